package io.scanopy.plugins.tecnativa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerEndpoint;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which answers are Tecnativa's, and what each denial asks the user to set. */
class TecnativaProxyPluginTest {
    private static final String PAGE = "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n";
    private final TecnativaProxyPlugin plugin = new TecnativaProxyPlugin();

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "403 | text/html                 | page                                  | true",
            "403 | text/plain; charset=utf-8 | Forbidden                             | false",
            "405 | text/plain; charset=utf-8 | Method Not Allowed                    | false",
            "404 | application/json          | {\"message\":\"No such container: x\"} | false",
            "403 | application/json          | {\"message\":\"authorization denied\"} | false",
    })
    void recognisesOnlyItsOwnPage(int status, String type, String body, boolean expected) {
        assertEquals(expected, plugin.recognises(new Denial(null, "GET", "/x", status, type.strip(), body.strip().equals("page") ? PAGE : body)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "LIST_CONTAINERS   | set CONTAINERS=1 in the docker-socket-proxy's environment",
            "INSPECT_CONTAINER | set CONTAINERS=1 in the docker-socket-proxy's environment",
            "LIST_NETWORKS     | set NETWORKS=1 in the docker-socket-proxy's environment",
            "INFO              | set INFO=1 in the docker-socket-proxy's environment",
            "PING              | set PING=1 in the docker-socket-proxy's environment",
            "VERSION           | set VERSION=1 in the docker-socket-proxy's environment",
            "EXEC_CREATE       | set CONTAINERS=1 and POST=1 in the docker-socket-proxy's environment (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together), and ALLOW_EXEC=1 on releases after v0.4.1 (they refuse creating exec instances without it)",
            "EXEC_START        | set EXEC=1 and POST=1 in the docker-socket-proxy's environment (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together)",
            "EXEC_INSPECT      | set EXEC=1 in the docker-socket-proxy's environment (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together)",
    })
    void explainsEachDenialAsTheTogglesToSet(DockerEndpoint endpoint, String expected) {
        assertEquals(expected, plugin.explainDenial(new Denial(endpoint, endpoint.method(), "/v1.41" + endpoint.pathTemplate(), 403, "text/html", PAGE)).orElseThrow());
    }

    @Test
    void setupTurnsOnOnlyWhatIsAllowedAndEveryOtherToggleOff() {
        var setup = plugin.proxySetup(EnumSet.of(DockerEndpoint.LIST_CONTAINERS, DockerEndpoint.LIST_NETWORKS)).orElseThrow();
        assertEquals("1", setup.environment().get("CONTAINERS"));
        assertEquals("1", setup.environment().get("NETWORKS"));
        assertEquals("0", setup.environment().get("EVENTS"), "upstream defaults EVENTS to 1: least privilege turns it off");
        assertEquals("0", setup.environment().get("POST"));
        assertEquals(TecnativaProxyPlugin.TOGGLES.size(), setup.environment().size());
        assertNull(setup.environment().get("ALLOW_EXEC"), "no exec allowed, so no ALLOW_EXEC");
    }

    @Test
    void execCreateRefusedWhileExecStartPassesIsAllowExec() {
        Denial create = new Denial(DockerEndpoint.EXEC_CREATE, "POST", "/v1.41/containers/x/exec", 403, "text/html", PAGE);
        Set<DockerEndpoint> allowed = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_CREATE));
        String text = plugin.explainDenial(create, allowed).orElseThrow();
        assertTrue(text.startsWith("set ALLOW_EXEC=1 in the docker-socket-proxy's environment"), text);
        assertFalse(text.contains("CONTAINERS=1") || text.contains("POST=1") || text.contains("EXEC=1 and"), "only ALLOW_EXEC is missing: " + text);
        // Without the proof that POST and /containers pass, the usual toggles are named too.
        Set<DockerEndpoint> noStart = EnumSet.copyOf(allowed);
        noStart.remove(DockerEndpoint.EXEC_START);
        assertTrue(plugin.explainDenial(create, noStart).orElseThrow().startsWith("set CONTAINERS=1 and POST=1"));
    }

    @Test
    void setupWithExecAddsAllowExecAndSaysWhy() {
        var setup = plugin.proxySetup(EnumSet.allOf(DockerEndpoint.class)).orElseThrow();
        assertEquals("1", setup.environment().get("ALLOW_EXEC"));
        assertTrue(setup.comments().stream().anyMatch(c -> c.startsWith("ALLOW_EXEC=1: releases after v0.4.1")), setup.comments().toString());
    }

    @Test
    void privilegesAreStatedWithoutUnderstatement() {
        List<String> all = plugin.privileges(EnumSet.allOf(DockerEndpoint.class).stream().filter(e -> !e.isSwarm())
                .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(DockerEndpoint.class))));
        assertEquals(3, all.size(), all.toString());
        assertTrue(all.get(0).contains("creating and starting any container") && all.get(0).contains("root on the host"), all.get(0));
        assertTrue(all.get(1).contains("every running container"), all.get(1));
        assertTrue(all.get(2).contains("environment variables"), all.get(2));
        List<String> readOnly = plugin.privileges(EnumSet.of(DockerEndpoint.LIST_CONTAINERS, DockerEndpoint.INSPECT_CONTAINER));
        assertEquals(1, readOnly.size(), readOnly.toString());
        assertTrue(readOnly.get(0).startsWith("CONTAINERS=1 exposes"));
        assertEquals(List.of(), plugin.privileges(EnumSet.of(DockerEndpoint.PING, DockerEndpoint.VERSION)));
    }
}
