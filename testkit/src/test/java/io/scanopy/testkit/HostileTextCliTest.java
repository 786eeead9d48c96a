package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.cli.ScanopyDaemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.containers.Network;

/**
 * What others control, from a real engine, through the real CLI: a container whose compose
 * labels hold a clear-screen and a retitle sequence, on a network whose name holds one too
 * (Docker takes both), with 100 exposed ports. {@code discover --output table} shows them
 * escaped and stays narrow; {@code --output json} keeps them exact.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTextCliTest {
    private static final String CLEAR = "\u001b[2J";
    private static final String TITLE = "\u001b]0;owned\u0007";
    private static final String RLO = "\u202e";
    private Network network;
    private TestContainer hostile;
    private Path pluginsDir;

    @BeforeAll
    void start() throws Exception {
        pluginsDir = Files.createTempDirectory("scanopy-hostile-plugins");
        try (var files = Files.list(PluginFixtures.builtFolder("scanopy.test.pluginArchives"))) {
            for (Path p : files.toList()) {
                Files.copy(p, pluginsDir.resolve(p.getFileName()));
            }
        }
        String networkName = "scanopy-hostile-" + TestContainer.RUN_ID.substring(0, 8) + TITLE;
        network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName(networkName)
                .withLabels(Map.of(TestContainer.RUN_LABEL, TestContainer.RUN_ID))).build();
        hostile = new TestContainer().onNetwork(network, "hostile")
                .withLabel("com.docker.compose.project", "shop" + CLEAR)
                .withLabel("com.docker.compose.service", "web" + TITLE + RLO);
        for (int port = 20000; port < 20100; port++) {
            hostile.exposedOnly(port, "tcp");
        }
        hostile.start();
    }

    @AfterAll
    void stop() {
        if (hostile != null) {
            hostile.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins-dir", pluginsDir.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScanopyDaemon.run(all.toArray(new String[0]), Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static boolean rawControl(String text) {
        return text.chars().anyMatch(c -> c != '\n' && (c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e));
    }

    @Test
    void theTableShowsThemEscapedAndStaysNarrow() {
        Run table = run("discover", "--no-detection", "--output", "table");
        assertEquals(0, table.code(), table.err());
        assertFalse(rawControl(table.out()), "a raw control character reached the terminal");
        assertFalse(rawControl(table.err()), table.err());
        String line = table.out().lines().filter(l -> l.startsWith(hostile.getContainerName().substring(1) + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(table.out()));
        assertTrue(line.contains("shop\\x1b[2J/web\\x1b]0;owned\\x07\\u202e"), line);
        assertTrue(line.contains("scanopy-hostile-" + TestContainer.RUN_ID.substring(0, 8) + "\\x1b]0;owned\\x07="), line);
        assertTrue(line.contains(", +96 more"), line);
        // The widest line of the whole table is set by the widest cells, and 100 ports are not among them.
        assertTrue(line.length() < 400, line.length() + " characters: " + line);
    }

    @Test
    void jsonKeepsThemExact() throws Exception {
        Run json = run("discover", "--no-detection", "--output", "json");
        assertEquals(0, json.code(), json.err());
        JsonNode container = null;
        for (JsonNode c : new ObjectMapper().readTree(json.out()).path("engines").path(0).path("containers")) {
            if (c.path("id").asText().equals(hostile.getContainerId())) {
                container = c;
            }
        }
        assertTrue(container != null, json.out());
        assertEquals("shop" + CLEAR, container.path("compose").path("project").asText());
        assertEquals("web" + TITLE + RLO, container.path("compose").path("service").asText());
        assertEquals(100, container.path("ports").size());
    }
}
