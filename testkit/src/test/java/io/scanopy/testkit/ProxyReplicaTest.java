package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/**
 * What a client can tell of our two newer proxy replicas, on the wire: the status line, framing
 * and body of their refusals, the rule order that refuses exec creation while exec start passes,
 * Env blanked in inspect answers, and LinuxServer's read-only root and user. The answers are
 * compared byte for byte with what the upstream proxies send.
 */
@RequiresDocker
class ProxyReplicaTest {
    /** nginx's stock 403 page with server_tokens off: what LinuxServer's proxy sends for every refusal. */
    private static final String NGINX_403_BODY = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
            + "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    /** HAProxy's stock 403 error file, as Tecnativa's image serves it (HTTP/1.0, no Content-Length). */
    private static final String HAPROXY_403_BODY = "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n";

    /** One request on its own connection, Connection: close; the raw answer. */
    private static String exchange(ProxyContainer proxy, String method, String path, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.getMappedPort(2375))) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            String request = method + " " + path + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                    + "\r\n" + (body == null ? "" : body);
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String head(String answer) {
        return answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void tecnativaAfterV041RefusesExecCreationWithoutAllowExecAndBlanksEnv() throws Exception {
        try (TestContainer holder = new TestContainer().withEnv("SCANOPY_TEST_SECRET", "do-not-leak");
             ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativaCurrent(), 2375, "http")
                     .withProxyEnvironment(Map.of("CONTAINERS", "1", "POST", "1", "EXEC", "1"))) {
            holder.start();
            proxy.start();
            String create = exchange(proxy, "POST", "/v1.41/containers/" + holder.getContainerId() + "/exec", "{\"Cmd\":[\"true\"]}");
            assertTrue(create.startsWith("HTTP/1.0 403 Forbidden\r\n"), create);
            assertFalse(head(create).contains("content-length"), "upstream's error file has no Content-Length: " + create);
            // The body ends with the connection (HTTP/1.0). Upstream also says "Connection: close";
            // HAProxy 2.6 drops that header from an HTTP/1.0 error file (a replica limit, in the README).
            assertTrue(head(create).contains("content-type: text/html"), create);
            assertEquals(HAPROXY_403_BODY, body(create));
            // Exec start is under /exec, which EXEC=1 with POST=1 admits: Docker answers for the unknown id.
            String start = exchange(proxy, "POST", "/v1.41/exec/scanopy-no-such-exec/start", "{\"Detach\":true}");
            assertTrue(start.startsWith("HTTP/1.1 404"), start);
            assertTrue(body(start).contains("No such exec instance"), start);
            // Methods one by one: DELETE needs DELETE=1, POST=1 is not enough.
            assertTrue(exchange(proxy, "DELETE", "/v1.41/containers/scanopy-no-such-container", null).startsWith("HTTP/1.0 403"));

            String inspect = exchange(proxy, "GET", "/v1.41/containers/" + holder.getContainerId() + "/json", null);
            assertTrue(inspect.startsWith("HTTP/1.1 200"), inspect);
            assertTrue(inspect.contains("\"Env\":[]"), "Env blanked: " + inspect);
            assertFalse(inspect.contains("do-not-leak"), inspect);
            List<String> direct = List.of(DockerClientFactory.instance().client().inspectContainerCmd(holder.getContainerId()).exec().getConfig().getEnv());
            assertTrue(direct.contains("SCANOPY_TEST_SECRET=do-not-leak"), "the container does carry the variable: " + direct);
        }
    }

    @Test
    void tecnativaV041RefusesWithHaproxysErrorFile() throws Exception {
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(Map.of("CONTAINERS", "1"))) {
            proxy.start();
            String probe = exchange(proxy, "GET", "/scanopy-flavor-probe", null);
            assertTrue(probe.startsWith("HTTP/1.0 403 Forbidden\r\n"), probe);
            assertFalse(head(probe).contains("content-length"), probe);
            assertEquals(HAPROXY_403_BODY, body(probe));
            // v0.4.1: CONTAINERS=1 with POST=1 is all exec creation needs; POST=0 refuses it.
            assertTrue(exchange(proxy, "POST", "/v1.41/containers/x/exec", "{}").startsWith("HTTP/1.0 403"));
        }
    }

    /**
     * wollomatic's -allowfrom with a host name (as proxy-config prints it: the daemon's compose
     * service): looked up on each request, so the client of that name is admitted and another on
     * the same network refused.
     */
    @Test
    void wollomaticAdmitsTheClientItsAllowfromHostNameResolvesTo() throws Exception {
        try (Network network = Network.newNetwork();
             ProxyContainer proxy = new ProxyContainer(ProxyImages.wollomatic(), 2375, "http")
                     .withFlags(List.of("-listenip=0.0.0.0", "-allowfrom=scanopy-named-client", "-allowGET=/_ping"));
             TestContainer named = new TestContainer().onNetwork(network, "scanopy-named-client");
             TestContainer other = new TestContainer().onNetwork(network, "scanopy-other-client")) {
            proxy.withNetwork(network).withNetworkAliases("proxy");
            // The clients first: a name Docker's DNS does not know is forwarded to the host's
            // resolvers, and a request waits for that answer (upstream waits too).
            named.start();
            other.start();
            proxy.start();
            String ping = "wget -q -S -O- http://proxy:2375/_ping 2>&1; true";
            String admitted = named.execInContainer("sh", "-c", ping).getStdout();
            assertTrue(admitted.contains("HTTP/1.1 200 OK") && admitted.endsWith("OK"), admitted);
            String refused = other.execInContainer("sh", "-c", ping).getStdout();
            assertTrue(refused.contains("HTTP/1.1 403 Forbidden"), refused);
        }
    }

    @Test
    void linuxserverRefusesWithNginxsPageRunsAsRootOnAReadOnlyRoot() throws Exception {
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.linuxserver(), 2375, "http").readOnlyRoot(List.of("/run", "/tmp"))
                .withProxyEnvironment(Map.of("CONTAINERS", "1"))) {
            proxy.start();
            String probe = exchange(proxy, "GET", "/scanopy-flavor-probe", null);
            assertTrue(probe.startsWith("HTTP/1.1 403 Forbidden\r\n"), probe);
            assertTrue(head(probe).contains("\r\nserver: nginx\r\n"), "no version with server_tokens off: " + probe);
            assertTrue(head(probe).contains("\r\ncontent-type: text/html\r\n"), probe);
            assertTrue(head(probe).contains("\r\ncontent-length: " + NGINX_403_BODY.length() + "\r\n"), probe);
            assertEquals(NGINX_403_BODY, body(probe));
            // POST=0 renders the variant that refuses other methods, even on an allowed section.
            assertEquals(NGINX_403_BODY, body(exchange(proxy, "POST", "/v1.41/containers/scanopy-no-such-container/exec", "{\"Cmd\":[\"true\"]}")));
            assertTrue(exchange(proxy, "GET", "/v1.41/containers/json", null).startsWith("HTTP/1.1 200"));
            // First match wins: /containers/{id}/start has its own location and switch.
            assertTrue(exchange(proxy, "GET", "/v1.41/containers/x/start", null).startsWith("HTTP/1.1 403"));

            assertEquals("0", proxy.execInContainer("sh", "-c", "awk '/^Uid:/ {print $2}' /proc/1/status").getStdout().strip(), "nginx runs as root, as upstream");
            var write = proxy.execInContainer("sh", "-c", "touch /etc/scanopy-write-test");
            assertNotEquals(0, write.getExitCode(), "the root file system is read-only");
            assertTrue(write.getStderr().contains("Read-only file system"), write.getStderr());
        }
    }
}
