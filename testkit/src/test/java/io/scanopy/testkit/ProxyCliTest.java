package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.cli.ScanopyDaemon;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The commands a user runs against a proxy started by hand: doctor, discover with several
 * targets, proxy-config whose output really configures the proxy. The CLI runs in-process with
 * the plugin archives in a plugins folder, as the distribution loads them.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyCliTest {
    private Path pluginsDir;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    void copyPlugins() throws Exception {
        pluginsDir = Files.createTempDirectory("scanopy-cli-plugins");
        try (var files = Files.list(PluginFixtures.builtFolder("scanopy.test.pluginArchives"))) {
            for (Path p : files.toList()) {
                Files.copy(p, pluginsDir.resolve(p.getFileName()));
            }
        }
    }

    private Run run(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins-dir", pluginsDir.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScanopyDaemon.run(all.toArray(new String[0]), env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static ProxyContainer tecnativa(String... toggles) {
        ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http");
        for (String toggle : toggles) {
            proxy.withEnv(toggle, "1");
        }
        return proxy;
    }

    @Test
    void doctorShowsTheMatrixTheFixAndDegradedDetection() {
        try (ProxyContainer proxy = tecnativa("CONTAINERS", "NETWORKS", "INFO")) {
            proxy.start();
            Run run = run(Map.of(), "--docker-proxy", proxy.url(), "doctor");
            assertEquals(0, run.code(), run.out() + run.err());
            assertTrue(run.out().contains("plugin:     docker-proxy-tecnativa"), run.out());
            assertTrue(run.out().matches("(?s).*POST /containers/\\{id\\}/exec\\s+denied\\s+403\\s+proxy\\s+service detection uses only image, label and port rules.*"), run.out());
            assertTrue(run.out().contains("- POST /exec/{id}/start: set EXEC=1 and POST=1"), run.out());
            assertTrue(run.out().contains("detection:  degraded — exec is denied"), run.out());
            assertTrue(run.out().contains("verdict:    DEGRADED"), run.out());
        }
    }

    @Test
    void doctorSaysWhatAProxyAllowingExecGrantsAndOffersTheGetOnlyPathFirst() throws Exception {
        try (ProxyContainer proxy = tecnativa("CONTAINERS", "NETWORKS", "INFO", "EXEC", "POST");
             PluginRegistry registry = PluginFixtures.fromArchives(pluginsDir, Files.createTempDirectory("scanopy-cli-grants"))) {
            proxy.start();
            Run run = run(Map.of(), "--docker-proxy", proxy.url(), "doctor");
            assertEquals(0, run.code(), run.out() + run.err());
            assertTrue(run.out().contains("verdict:    OK"), run.out());
            String out = run.out();
            int section = out.indexOf("  Privileges (what this access was found to allow, and what that grants):\n");
            assertTrue(section > 0, out);
            String allowedLine = out.lines().filter(l -> l.startsWith("    allowed:  ")).findFirst().orElseThrow(() -> new AssertionError(out));
            // The Swarm lists are not checked outside a Swarm manager: allowed or not, they are not claimed.
            Set<DockerEndpoint> checked = EnumSet.copyOf(java.util.Arrays.stream(DockerEndpoint.values()).filter(e -> !e.isSwarm()).toList());
            for (DockerEndpoint e : DockerEndpoint.values()) {
                assertEquals(checked.contains(e), allowedLine.contains(e.method() + " " + e.pathTemplate()), "every checked endpoint was found allowed: " + allowedLine);
            }
            assertTrue(out.contains("  swarm:      not a Swarm manager: no cluster to read (the Swarm endpoints are not checked)\n"), out);
            // The plugin's own words for what it was found to allow, each on a line.
            var tecnativa = registry.find("docker-proxy-tecnativa").orElseThrow().plugin();
            for (String grant : tecnativa.privileges(checked)) {
                assertTrue(out.contains("    GRANTS:   " + grant + "\n"), grant + " in " + out);
            }
            // Least privilege first: the GET-only setup, then (with exec) the narrower proxy.
            int getOnly = out.indexOf("    least privilege: without exec (--no-exec), a GET-only proxy is enough: scanopy-daemon proxy-config --flavor tecnativa --no-exec\n");
            int narrower = out.indexOf("    with exec: wollomatic's exact rules are narrower");
            assertTrue(getOnly > section && narrower > getOnly, out);

            // The advice as printed: that setup, checked without exec, is enough and offers nothing further to drop.
            Run config = run(Map.of(), "proxy-config", "--flavor", "tecnativa", "--no-exec");
            Map<String, String> environment = new java.util.LinkedHashMap<>();
            config.out().lines().filter(l -> l.matches("      - [A-Z_]+=[01]")).forEach(l -> environment.put(l.substring(8, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            assertEquals("0", environment.get("POST"), config.out());
            try (ProxyContainer getOnlyProxy = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment)) {
                getOnlyProxy.start();
                Run least = run(Map.of(), "--docker-proxy", getOnlyProxy.url(), "doctor", "--no-exec");
                assertEquals(0, least.code(), least.out());
                assertTrue(least.out().contains("verdict:    OK"), least.out());
                String leastAllowed = least.out().lines().filter(l -> l.startsWith("    allowed:  ")).findFirst().orElseThrow();
                assertTrue(!leastAllowed.contains("POST"), "GETs only: " + leastAllowed);
                assertTrue(!least.out().contains("least privilege:"), "nothing further to drop: " + least.out());
            }
        }
    }

    @Test
    void doctorFailsWhenARequiredEndpointIsDenied() {
        try (ProxyContainer proxy = tecnativa()) {
            proxy.start();
            Run run = run(Map.of("SCANOPY_DOCKER_PROXY", proxy.url()), "doctor");
            assertEquals(ScanopyDaemon.EXIT_FAILED, run.code(), run.out());
            assertTrue(run.out().contains("- GET /containers/json: set CONTAINERS=1"), run.out());
            assertTrue(run.out().contains("verdict:    FAILED — a required endpoint is denied"), run.out());
        }
    }

    @Test
    void doctorNamesAConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = run(Map.of(), "--docker-proxy", "http://127.0.0.1:" + port, "doctor");
        assertEquals(ScanopyDaemon.EXIT_FAILED, run.code());
        assertTrue(run.out().contains("verdict:    FAILED — Connection refused to http://127.0.0.1:" + port + " — is the proxy"), run.out());
    }

    @Test
    void twoTargetsOnOneEngineAreOneEntryReachedTwice() throws Exception {
        try (ProxyContainer a = tecnativa("CONTAINERS", "NETWORKS", "INFO"); ProxyContainer b = tecnativa("CONTAINERS", "INFO")) {
            a.start();
            b.start();
            Run run = run(Map.of(), "--docker-proxy", a.url(), "--docker-proxy", b.url(), "discover", "--output", "json");
            assertEquals(0, run.code(), run.err());
            JsonNode inventory = new ObjectMapper().readTree(run.out());
            assertEquals(1, inventory.get("engines").size(), "one engine");
            JsonNode engine = inventory.get("engines").get(0);
            assertEquals(List.of(a.url(), b.url()), StreamSupport.stream(engine.get("reachedVia").spliterator(), false)
                    .map(r -> r.get("address").asText()).sorted().toList());
            assertTrue(StreamSupport.stream(engine.at("/capabilities/checks").spliterator(), false)
                    .anyMatch(c -> c.get("capability").asText().equals("list-networks") && c.get("status").asText().equals("allowed")),
                    "the better-allowed target's description is kept");
        }
    }

    @Test
    void proxyConfigOutputConfiguresAProxyThatAllowsEverythingDiscoveryNeeds() {
        Run config = run(Map.of(), "proxy-config", "--flavor", "wollomatic");
        assertEquals(0, config.code(), config.err());
        List<String> flags = printedFlags(config.out());
        assertTrue(flags.stream().anyMatch(f -> f.startsWith("-allowGET=")) && flags.stream().anyMatch(f -> f.startsWith("-allowPOST=")), flags.toString());
        // The user line as compose would resolve it, DOCKER_GID set as the printed comment says.
        assertTrue(config.out().contains("# The image runs as user 65534 and needs the socket's group; set it before docker compose up: export DOCKER_GID=$(stat -c %g /var/run/docker.sock)"),
                config.out());
        String user = printedUser(config.out()).replaceAll("\\$\\{DOCKER_GID:\\?[^}]*}", ProxyContainer.socketGroup());
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(flags).asUser(user)) {
            proxy.start();
            Run run = run(Map.of(), "--docker-proxy", proxy.url(), "doctor");
            assertEquals(0, run.code(), run.out());
            assertTrue(run.out().contains("plugin:     docker-proxy-wollomatic"), run.out());
            assertTrue(run.out().contains("verdict:    OK"), run.out());
        }
        // With exec, the GET-only variant is recommended before anything to paste; without, there is nothing to recommend.
        int recommended = config.out().indexOf("# RECOMMENDED FIRST: without exec, the proxy needs only GETs");
        assertTrue(recommended > 0 && config.out().indexOf("scanopy-daemon proxy-config --flavor wollomatic --no-exec\n") > recommended
                && recommended < config.out().indexOf("services:\n"), config.out());
        Run noExec = run(Map.of(), "proxy-config", "--flavor", "tecnativa", "--no-exec");
        assertTrue(!noExec.out().contains("RECOMMENDED"), noExec.out());
        assertTrue(noExec.out().contains("      - EXEC=0\n") && noExec.out().contains("      - POST=0\n") && noExec.out().contains("      - CONTAINERS=1\n"), noExec.out());
    }

    @Test
    void wollomaticWithoutTheSocketGroupExitsAtOnceAsUpstreamDoes() {
        Run config = run(Map.of(), "proxy-config", "--flavor", "wollomatic");
        // Pasted without its user: line, the image's own user 65534:65534 cannot open the socket.
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(printedFlags(config.out())).asUser(null)) {
            ProxyContainer.Exit exit = proxy.startExpectingExit(java.time.Duration.ofSeconds(20));
            assertEquals(2, exit.status(), exit.output());
            assertTrue(exit.output().matches("(?s).*level=ERROR msg=\"socket not available\" error=\"dial unix /var/run/docker.sock: connect: permission denied\".*"),
                    exit.output());
        }
    }

    /** The command: flags of a printed service, unquoted; -allowfrom opened to the bridge (it names the daemon's compose service). */
    private static List<String> printedFlags(String service) {
        return service.lines().filter(l -> l.startsWith("      - '"))
                .map(l -> l.substring("      - '".length(), l.length() - 1).replace("''", "'"))
                .map(f -> f.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : f)
                .toList();
    }

    private static String printedUser(String service) {
        return service.lines().filter(l -> l.startsWith("    user: \"")).map(l -> l.substring("    user: \"".length(), l.length() - 1))
                .findFirst().orElseThrow(() -> new AssertionError("no user: line in\n" + service));
    }

    /** The environment lines of a printed compose service ({@code - NAME=value}). */
    private static Map<String, String> printedEnvironment(String out) {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        out.lines().filter(l -> l.matches("      - [A-Z_]+=\\S*")).map(l -> l.substring("      - ".length()))
                .forEach(e -> environment.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
        return environment;
    }

    @Test
    void linuxserverProxyConfigRunsReadOnlyWithTmpfsAndAllowsWhatDiscoveryNeeds() {
        Run config = run(Map.of(), "proxy-config", "--flavor", "linuxserver");
        assertEquals(0, config.code(), config.err());
        assertTrue(config.out().contains("    read_only: true\n    tmpfs:\n      - /run\n      - /tmp\n"), config.out());
        assertTrue(config.out().contains("# GRANTS: CONTAINERS=1 with POST=1 also admits every method on /containers"), config.out());
        Map<String, String> environment = printedEnvironment(config.out());
        assertEquals("1", environment.get("POST"), environment.toString());
        assertEquals("0", environment.get("ALLOW_START"), environment.toString());
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.linuxserver(), 2375, "http").readOnlyRoot(List.of("/run", "/tmp"))
                .withProxyEnvironment(environment)) {
            proxy.start();
            Run run = run(Map.of(), "--docker-proxy", proxy.url(), "doctor");
            assertEquals(0, run.code(), run.out());
            assertTrue(run.out().contains("plugin:     docker-proxy-linuxserver"), run.out());
            assertTrue(run.out().contains("verdict:    OK"), run.out());
        }
    }

    @Test
    void tecnativaProxyConfigSetsAllowExecWhichTheCurrentConfigurationNeeds() {
        Run config = run(Map.of(), "proxy-config", "--flavor", "tecnativa");
        assertEquals(0, config.code(), config.err());
        assertTrue(config.out().contains("# ALLOW_EXEC=1: releases after v0.4.1 refuse creating exec instances without it"), config.out());
        Map<String, String> environment = printedEnvironment(config.out());
        assertEquals("1", environment.get("ALLOW_EXEC"), environment.toString());
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativaCurrent(), 2375, "http").withProxyEnvironment(environment)) {
            proxy.start();
            Run run = run(Map.of(), "--docker-proxy", proxy.url(), "doctor");
            assertEquals(0, run.code(), run.out());
            assertTrue(run.out().contains("plugin:     docker-proxy-tecnativa"), run.out());
            assertTrue(run.out().contains("verdict:    OK"), run.out());
        }
        Run noExec = run(Map.of(), "proxy-config", "--flavor", "tecnativa", "--no-exec");
        assertTrue(!noExec.out().contains("ALLOW_EXEC"), "no exec, no ALLOW_EXEC: " + noExec.out());
    }

    @Test
    void proxyConfigLeavesTheSwarmListsOutUnlessAskedAndSaysWhatTheyGrant() {
        Run config = run(Map.of(), "proxy-config", "--flavor", "tecnativa", "--no-exec");
        assertEquals(0, config.code(), config.err());
        Map<String, String> environment = printedEnvironment(config.out());
        assertEquals(List.of("0", "0", "0", "0"), List.of(environment.get("NODES"), environment.get("SERVICES"), environment.get("TASKS"), environment.get("SWARM")),
                config.out());
        assertTrue(config.out().contains("# SWARM: this setup leaves the Swarm cluster out (the daemon sees this node's containers only). On a Swarm manager,\n"
                + "# add GET /nodes, /services and /tasks with: scanopy-daemon proxy-config --flavor tecnativa --no-exec --swarm\n"), config.out());
        assertTrue(config.out().contains("# SWARM GRANTS: SERVICES=1 and TASKS=1 expose every service's and task's specification"), config.out());
        assertTrue(!config.out().contains("#   GET /nodes"), "not in the allowed list: " + config.out());

        Run swarm = run(Map.of(), "proxy-config", "--flavor", "tecnativa", "--no-exec", "--swarm");
        Map<String, String> withSwarm = printedEnvironment(swarm.out());
        // GET /swarm is never needed (over /info it adds only the join tokens): SWARM stays off.
        assertEquals(List.of("1", "1", "1", "0"), List.of(withSwarm.get("NODES"), withSwarm.get("SERVICES"), withSwarm.get("TASKS"), withSwarm.get("SWARM")),
                swarm.out());
        assertTrue(swarm.out().startsWith("# Least-privilege socket proxy for scanopy-daemon, generated by: scanopy-daemon proxy-config --flavor tecnativa --no-exec --swarm\n"));
        assertTrue(swarm.out().contains("#   GET /tasks\n") && !swarm.out().contains("# SWARM:"), swarm.out());
        assertTrue(swarm.out().contains("# GRANTS: SERVICES=1 and TASKS=1 expose"), swarm.out());

        Run wollomatic = run(Map.of(), "proxy-config", "--flavor", "wollomatic", "--no-exec", "--swarm");
        assertTrue(printedFlags(wollomatic.out()).stream().anyMatch(f -> f.startsWith("-allowGET=") && f.endsWith("|nodes|services|tasks)")), wollomatic.out());
    }
}
