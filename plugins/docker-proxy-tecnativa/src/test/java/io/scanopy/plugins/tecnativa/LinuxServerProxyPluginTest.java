package io.scanopy.plugins.tecnativa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerEndpoint;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which answers are LinuxServer's (nginx's page, not HAProxy's), and what each denial asks the user to set. */
class LinuxServerProxyPluginTest {
    /** nginx's stock 403 page with server_tokens off, as it sends it. */
    static final String NGINX_PAGE = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n"
            + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    private static final String HAPROXY_PAGE = "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n";
    private final LinuxServerProxyPlugin plugin = new LinuxServerProxyPlugin();
    private final TecnativaProxyPlugin tecnativa = new TecnativaProxyPlugin();

    @Test
    void theTwoFlavoursTellTheirPagesApart() {
        Denial nginx = new Denial(null, "GET", "/scanopy-flavor-probe", 403, "text/html", NGINX_PAGE);
        Denial haproxy = new Denial(null, "GET", "/scanopy-flavor-probe", 403, "text/html", HAPROXY_PAGE);
        assertTrue(plugin.recognises(nginx));
        assertFalse(tecnativa.recognises(nginx));
        assertTrue(tecnativa.recognises(haproxy));
        assertFalse(plugin.recognises(haproxy));
        assertFalse(plugin.recognises(new Denial(null, "GET", "/x", 404, "text/html", NGINX_PAGE.replace("403 Forbidden", "404 Not Found"))));
        assertFalse(plugin.recognises(new Denial(null, "GET", "/x", 403, "application/json", "{\"message\":\"authorization denied\"}")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "LIST_CONTAINERS   | set CONTAINERS=1 in the socket-proxy's environment",
            "LIST_NETWORKS     | set NETWORKS=1 in the socket-proxy's environment",
            "EVENTS            | set EVENTS=1 in the socket-proxy's environment",
            "EXEC_CREATE       | set CONTAINERS=1 and POST=1 in the socket-proxy's environment (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together)",
            "EXEC_START        | set EXEC=1 and POST=1 in the socket-proxy's environment (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together)",
    })
    void explainsEachDenialInItsVariables(DockerEndpoint endpoint, String expected) {
        assertEquals(expected, plugin.explainDenial(new Denial(endpoint, endpoint.method(), endpoint.pathTemplate(), 403, "text/html", NGINX_PAGE),
                EnumSet.noneOf(DockerEndpoint.class)).orElseThrow());
    }

    @Test
    void setupIsReadOnlyWithTmpfsAndOnlyWhatIsAllowed() {
        var setup = plugin.proxySetup(EnumSet.of(DockerEndpoint.LIST_CONTAINERS, DockerEndpoint.EXEC_START)).orElseThrow();
        assertTrue(setup.readOnly());
        assertEquals(List.of("/run", "/tmp"), setup.tmpfs());
        assertNull(setup.user(), "upstream runs as root and supports no other user");
        assertEquals("1", setup.environment().get("CONTAINERS"));
        assertEquals("1", setup.environment().get("EXEC"));
        assertEquals("1", setup.environment().get("POST"));
        assertEquals("0", setup.environment().get("EVENTS"));
        assertNull(setup.environment().get("GRPC"), "LinuxServer has no GRPC toggle");
        assertNull(setup.environment().get("ALLOW_EXEC"), "ALLOW_EXEC is Tecnativa's, after v0.4.1");
        assertEquals(LinuxServerProxyPlugin.TOGGLES.size(), setup.environment().size());
    }

    @Test
    void privilegesNameWhatPostAndContainersReallyAdmit() {
        List<String> all = plugin.privileges(EnumSet.allOf(DockerEndpoint.class).stream().filter(e -> !e.isSwarm())
                .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(DockerEndpoint.class))));
        assertEquals(3, all.size(), all.toString());
        assertTrue(all.get(0).contains("creating, updating and removing any container"), all.get(0));
        assertTrue(all.get(1).contains("every running container"), all.get(1));
        assertTrue(all.get(2).contains("environment variables"), all.get(2));
    }
}
