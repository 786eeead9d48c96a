package io.scanopy.plugins.wollomatic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.EndpointRequirement;
import io.scanopy.spi.ProxySetup;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Which answers are wollomatic's, the allowlist regex each denial needs, and what the address check tells. */
class WollomaticProxyPluginTest {
    private static final String PLAIN = "text/plain; charset=utf-8";
    private static final Denial PROBE_ADMITTED = new Denial(null, "DELETE", Denial.FLAVOR_PROBE_PATH, 405, PLAIN, "Method Not Allowed\n");
    private static final Denial PROBE_REFUSED = new Denial(null, "DELETE", Denial.FLAVOR_PROBE_PATH, 403, PLAIN, "Forbidden\n");
    private final WollomaticProxyPlugin plugin = new WollomaticProxyPlugin();

    @ParameterizedTest(name = "{0} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "403 | text/plain; charset=utf-8 | Forbidden                               | true",
            "405 | text/plain; charset=utf-8 | Method Not Allowed                      | true",
            "403 | text/html                 | <html><body><h1>403 Forbidden</h1>      | false",
            "404 | application/json          | {\"message\":\"page not found\"}         | false",
            "403 | text/plain; charset=utf-8 | Forbidden by something else             | false",
    })
    void recognisesOnlyItsOwnAnswers(int status, String type, String body, boolean expected) {
        assertEquals(expected, plugin.recognises(new Denial(null, "GET", "/x", status, type.strip(), body.strip() + "\n")));
    }

    private String explain(DockerEndpoint endpoint, String path, int status, Denial probe, String address) {
        return plugin.explainDenial(new Denial(endpoint, endpoint.method(), path, status, PLAIN, "x").withConnection(probe, address)).orElseThrow();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "LIST_CONTAINERS   | /v1.41/containers/json     | 403 | GET /v1.41/containers/json is outside the GET allowlist: add -allowGET='(/v1\\.[0-9]+)?/containers/json'",
            "LIST_CONTAINERS   | /containers/json           | 403 | GET /containers/json is outside the GET allowlist: add -allowGET='(/v1\\.[0-9]+)?/containers/json'",
            "INSPECT_CONTAINER | /v1.41/containers/abc/json | 403 | add -allowGET='(/v1\\.[0-9]+)?/containers/[^/]+/json' (or SP_ALLOW_GET_INSPECT_CONTAINER='(/v1\\.[0-9]+)?/containers/[^/]+/json')",
            "EXEC_CREATE       | /v1.41/containers/abc/exec | 405 | the proxy has no POST allowlist: add -allowPOST='(/v1\\.[0-9]+)?/containers/[^/]+/exec'",
            "EXEC_START        | /exec/abc/start            | 405 | the proxy has no POST allowlist: add -allowPOST='(/v1\\.[0-9]+)?/exec/[^/]+/start'",
    })
    void anAdmittedAddressGetsTheRegexForBothPathForms(DockerEndpoint endpoint, String path, int status, String expected) {
        String text = explain(endpoint, path, status, PROBE_ADMITTED, "172.17.0.1");
        assertTrue(text.contains(expected), text);
        assertFalse(text.contains("-allowfrom"), "the address is admitted (the probe got 405): " + text);
    }

    @Test
    void aRefusedAddressIsSaidAloneWithTheAddressTheProxySees() {
        String text = explain(DockerEndpoint.LIST_CONTAINERS, "/containers/json", 403, PROBE_REFUSED, "172.17.0.1");
        assertTrue(text.equals("the proxy refuses the daemon's address, 172.17.0.1 as the proxy sees it, before reading any allowlist: set -allowfrom=172.17.0.1/32 (SP_ALLOWFROM)"), text);
        assertFalse(text.contains("-allowGET"), "an allowlist cannot help a refused address: " + text);
    }

    @Test
    void anUnknownAddressIsNeverAPlaceholder() {
        String refused = explain(DockerEndpoint.LIST_CONTAINERS, "/containers/json", 403, PROBE_REFUSED, null);
        assertTrue(refused.contains("set -allowfrom (SP_ALLOWFROM) to the daemon's address as the proxy sees it") && !refused.contains("<"), refused);
        // No probe answer (none could be sent): a 403 may be either cause, so both are named.
        String either = explain(DockerEndpoint.LIST_CONTAINERS, "/containers/json", 403, null, "10.0.3.7");
        assertTrue(either.startsWith("add -allowGET='(/v1\\.[0-9]+)?/containers/json'") && either.contains("set -allowfrom=10.0.3.7/32"), either);
    }

    @ParameterizedTest
    @EnumSource(DockerEndpoint.class)
    void everyAdviceAdmitsBothPathFormsAnchoredLikeTheProxy(DockerEndpoint endpoint) {
        String concrete = endpoint.pathTemplate().replace("{id}", "3f2a9c");
        String text = explain(endpoint, "/v1.41" + concrete, 403, PROBE_ADMITTED, null);
        Matcher flag = Pattern.compile("-allow" + endpoint.method() + "='([^']*)'").matcher(text);
        assertTrue(flag.find(), text);
        Pattern anchored = Pattern.compile("^(" + flag.group(1) + ")$");
        assertTrue(anchored.matcher(concrete).matches() && anchored.matcher("/v1.41" + concrete).matches() && anchored.matcher("/v1.24" + concrete).matches(), flag.group(1));
        assertFalse(anchored.matcher("/v2.0" + concrete).matches() || anchored.matcher(concrete + "/x").matches()
                || anchored.matcher("/x" + concrete).matches(), flag.group(1));
    }

    @Test
    void theRegexesItWritesAdmitExactlyThePathsSentAnchoredLikeTheProxy() {
        for (DockerEndpoint e : DockerEndpoint.values()) {
            String concrete = e.pathTemplate().replace("{id}", "3f2a9c");
            Pattern versioned = Pattern.compile("^(" + WollomaticProxyPlugin.pathRegex(e, true) + ")$");
            Pattern plain = Pattern.compile("^(" + WollomaticProxyPlugin.pathRegex(e, false) + ")$");
            assertTrue(versioned.matcher("/v1.41" + concrete).matches() && !versioned.matcher(concrete).matches(), e.toString());
            assertTrue(plain.matcher(concrete).matches() && !plain.matcher("/v1.41" + concrete).matches(), e.toString());
        }
        String get = WollomaticProxyPlugin.allowlist("GET", EndpointRequirement.standard()).orElseThrow();
        Pattern both = Pattern.compile("^(" + get + ")$");
        assertTrue(both.matcher("/v1.44/containers/abc/json").matches() && both.matcher("/networks").matches());
        assertTrue(!both.matcher("/v1.44/containers/abc/exec").matches() && !both.matcher("/images/json").matches()
                && !both.matcher("/containers/abc/json/../../images").matches(), get);
    }

    @Test
    void theSetupRunsAsTheImageUserWithTheSocketGroupFromTheEnvironment() {
        ProxySetup setup = plugin.proxySetup(EnumSet.allOf(DockerEndpoint.class)).orElseThrow();
        assertEquals("65534:${DOCKER_GID:?set DOCKER_GID to the group of /var/run/docker.sock}", setup.user());
        assertTrue(setup.comments().stream().anyMatch(c -> c.contains("DOCKER_GID=$(stat -c %g /var/run/docker.sock)")), setup.comments().toString());
    }

    @Test
    void privilegesNameExecAndTheEnvironmentReadByInspect() {
        List<String> full = plugin.privileges(EnumSet.allOf(DockerEndpoint.class));
        assertTrue(full.get(0).contains("run any command") && full.get(0).contains("every running container")
                && full.get(0).contains("no other POST"), full.toString());
        assertTrue(full.stream().anyMatch(g -> g.contains("environment variables") && g.contains("every container")), full.toString());
        Set<DockerEndpoint> readOnly = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT));
        List<String> reads = plugin.privileges(readOnly);
        assertTrue(reads.stream().noneMatch(g -> g.contains("run any command")), reads.toString());
        assertTrue(reads.get(0).contains("environment variables"), "GET-only still reads every container's environment: " + reads);
    }

    @Test
    void theSwarmListsGrantReadingSpecificationsAndNothingElse() {
        WollomaticProxyPlugin plugin = new WollomaticProxyPlugin();
        List<String> grants = plugin.privileges(EnumSet.of(DockerEndpoint.LIST_NODES, DockerEndpoint.LIST_SERVICES, DockerEndpoint.LIST_TASKS));
        assertEquals(2, grants.size(), grants.toString());
        assertTrue(grants.get(0).startsWith("GET /services and /tasks") && grants.get(0).contains("environment variables")
                && grants.get(0).contains("no service logs and no writes"), grants.get(0));
        assertTrue(grants.get(1).startsWith("GET /nodes"), grants.get(1));
        // Both path forms, like every other allowlist entry.
        String regex = plugin.proxySetup(EnumSet.of(DockerEndpoint.LIST_TASKS)).orElseThrow().command().stream()
                .filter(f -> f.startsWith("-allowGET=")).findFirst().orElseThrow().substring("-allowGET=".length());
        assertTrue(Pattern.matches(regex, "/tasks") && Pattern.matches(regex, "/v1.45/tasks") && !Pattern.matches(regex, "/tasks/abc/logs"), regex);
    }
}
