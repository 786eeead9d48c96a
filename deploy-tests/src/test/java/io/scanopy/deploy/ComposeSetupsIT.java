package io.scanopy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImage;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.DockerClientFactory;

/**
 * The compose setups of {@code deploy/compose}, as users run them: each folder copied as it is,
 * then {@code up -d} in it with Debian's {@code docker-compose} 1.29 and, separately, with Compose
 * v2, using the daemon image dist builds and the test kit's proxy images under the names the files
 * use. From the host, through the daemon's API: it reached its proxy with the expected plugin, sees
 * every service of its stack (the proxy's own container and itself included) with the capability
 * report the setup implies; Docker reports it healthy (the image's HEALTHCHECK); only the daemon's
 * port is published, on 127.0.0.1. Then {@code down -v} leaves nothing. Two broken settings are run
 * as a user would meet them. The runs go side by side (JUnit's parallel mode, see the pom): each
 * mostly waits for Docker's health checks, 30 s apart.
 */
@RequiresDocker
class ComposeSetupsIT {
    private static final Path DEPLOY = Path.of(System.getProperty("scanopy.test.deployDir", "../deploy")).toAbsolutePath().normalize();
    private static final String DAEMON_IMAGE = "scanopy-daemon:latest";
    private static final String DAEMON = "scanopy-daemon";
    /** The user and group the daemon image runs as (make-certs.sh gives client-key.pem to this group). */
    private static final String DAEMON_USER = "10001:10001";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration COMPOSE_TIMEOUT = Duration.ofSeconds(120);
    /**
     * Docker marks a container healthy after its first passing check, 30 s (the image's interval)
     * after the start, and unhealthy after 3 failing checks past the 30 s start period.
     */
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(100);
    private static final Duration UNHEALTHY_WITHIN = Duration.ofSeconds(180);
    /** The guide's Tecnativa environment, every line of it. */
    private static final Set<String> GUIDE_TECNATIVA_ENVIRONMENT = Set.of("CONTAINERS=1", "NETWORKS=1", "EXEC=1", "POST=1", "INFO=1",
            "BUILD=0", "COMMIT=0", "CONFIGS=0", "DISTRIBUTION=0", "GRPC=0", "IMAGES=0", "NODES=0", "PLUGINS=0", "SECRETS=0",
            "SERVICES=0", "SESSION=0", "SWARM=0", "SYSTEM=0", "TASKS=0", "VOLUMES=0");
    /** The images the files name, and ours standing for each when the engine does not have it. */
    private static final Map<String, Supplier<ProxyImage>> PROXY_IMAGES = Map.of(
            // Tecnativa's latest tag is built from its current configuration: exec create needs ALLOW_EXEC.
            "tecnativa/docker-socket-proxy:latest", ProxyImages::tecnativaCurrent,
            "tecnativa/docker-socket-proxy:v0.4.1", ProxyImages::tecnativa,
            "wollomatic/socket-proxy:1.13.1", ProxyImages::wollomatic,
            "haproxy:2.6", ProxyImages::haproxy);
    /** Per setup: up, healthy, down, in seconds; printed and written to target/compose-setups.md. */
    private static final Map<String, String> TIMINGS = new ConcurrentSkipListMap<>();
    private static final Map<String, String> IMAGES_USED = new ConcurrentSkipListMap<>();

    @BeforeAll
    static void images() throws IOException {
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(DAEMON_IMAGE).exec();
        } catch (NotFoundException e) {
            fail(DAEMON_IMAGE + " is not on this engine: build it with mvn -B install -pl dist -am -DskipTests");
        }
        Set<String> named = new TreeSet<>();
        for (String setup : List.of("direct", "tecnativa", "wollomatic", "https")) {
            for (JsonNode service : services(DEPLOY.resolve("compose").resolve(setup))) {
                named.add(service.path("image").asText());
            }
        }
        named.remove(DAEMON_IMAGE);
        for (String reference : named) {
            Supplier<ProxyImage> ours = PROXY_IMAGES.get(reference);
            assertTrue(ours != null, "a compose file names " + reference + ", for which the test kit has no image: add it to PROXY_IMAGES");
            ProxyImage image = ProxyImages.named(reference, ours);
            IMAGES_USED.put(reference, image.upstream() ? "upstream" : image.describe());
        }
    }

    @AfterAll
    static void report() throws IOException {
        StringBuilder report = new StringBuilder("# Compose setups\n\n| setup (compose) | up -d | healthy (from up) | down -v |\n|---|---|---|---|\n");
        TIMINGS.forEach((setup, line) -> report.append("| ").append(setup).append(" | ").append(line).append(" |\n"));
        report.append("\nImages under the files' names:\n\n");
        IMAGES_USED.forEach((reference, image) -> report.append("- `").append(reference).append("`: ").append(image).append('\n'));
        System.out.println(report);
        Path dir = Path.of(System.getProperty("scanopy.test.reportDir", "target"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("compose-setups.md"), report);
    }

    // ---- the four setups ------------------------------------------------------------------

    @ParameterizedTest(name = "docker-compose {0}")
    @ValueSource(strings = {"v1", "v2"})
    void directSocket(String compose) throws Exception {
        Map<String, String> allowed = allAllowed();
        runSetup(compose, "direct", "docker-direct", "local Docker", allowed, inventory -> assertFalse(degradedDetection(inventory), inventory.toString()));
    }

    @ParameterizedTest(name = "docker-compose {0}")
    @ValueSource(strings = {"v1", "v2"})
    void tecnativaWithTheGuidesEnvironment(String compose) throws Exception {
        Path folder = DEPLOY.resolve("compose/tecnativa");
        JsonNode proxy = service(folder, "docker-proxy");
        Set<String> environment = strings(proxy.path("environment"));
        Set<String> expected = new HashSet<>(GUIDE_TECNATIVA_ENVIRONMENT);
        expected.add("EVENTS=1");
        assertEquals(new TreeSet<>(expected), new TreeSet<>(environment), "the guide's environment, plus EVENTS=1");

        // The current image refuses exec create without ALLOW_EXEC (the guide does not set it):
        // exec start and inspect pass, containers are all there, detection runs without exec.
        Map<String, String> statuses = allAllowed();
        statuses.put("exec-create", "denied");
        runSetup(compose, "tecnativa", "docker-proxy-tecnativa", "http://docker-proxy:2375", statuses, inventory -> {
            JsonNode check = check(inventory, "exec-create");
            assertEquals("proxy", check.path("deniedBy").asText(), check.toString());
            assertTrue(check.path("remediation").asText().startsWith("set ALLOW_EXEC=1 in the docker-socket-proxy's environment"), check.toString());
            assertEquals("detection-without-exec", check.path("fallback").asText(), check.toString());
            assertTrue(degradedDetection(inventory), "service detection degraded: " + inventory.path("engines").get(0).path("notes"));
        });
    }

    @ParameterizedTest(name = "docker-compose {0}")
    @ValueSource(strings = {"v1", "v2"})
    void wollomaticAsProxyConfigPrintsIt(String compose) throws Exception {
        Path folder = DEPLOY.resolve("compose/wollomatic");
        JsonNode printed = printedService("wollomatic");
        JsonNode inFile = service(folder, "docker-proxy").deepCopy();
        assertEquals("unless-stopped", inFile.path("restart").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) inFile).remove("restart");
        assertEquals(printed, inFile, "the file's docker-proxy service is what proxy-config prints (plus restart)");
        runSetup(compose, "wollomatic", "docker-proxy-wollomatic", "http://docker-proxy:2375", allAllowed(),
                inventory -> assertFalse(degradedDetection(inventory), inventory.toString()));
    }

    @ParameterizedTest(name = "docker-compose {0}")
    @ValueSource(strings = {"v1", "v2"})
    void httpsThroughATlsProxy(String compose) throws Exception {
        Path folder = DEPLOY.resolve("compose/https");
        JsonNode printed = printedService("tecnativa");
        JsonNode socketProxy = service(folder, "socket-proxy");
        assertEquals(printed.path("image"), socketProxy.path("image"));
        assertEquals(printed.path("environment"), socketProxy.path("environment"), "proxy-config's Tecnativa environment");
        JsonNode daemon = service(folder, DAEMON);
        assertEquals(Set.of("SCANOPY_DOCKER_PROXY=https://docker-proxy:2376", "SCANOPY_DOCKER_PROXY_SSL_CERT=/certs/client-cert.pem",
                "SCANOPY_DOCKER_PROXY_SSL_KEY=/certs/client-key.pem", "SCANOPY_DOCKER_PROXY_SSL_CHAIN=/certs/ca.pem", "SCANOPY_DAEMON_API_KEY"),
                strings(daemon.path("environment")), "the guide's HTTPS variables");
        assertEquals(Set.of("./certs:/certs:ro"), strings(daemon.path("volumes")), "the guide's mount");
        runSetup(compose, "https", "docker-proxy-tecnativa", "https://docker-proxy:2376", allAllowed(),
                inventory -> assertFalse(degradedDetection(inventory), inventory.toString()));
    }

    // ---- broken variables -----------------------------------------------------------------

    /**
     * A proxy name nothing resolves: the daemon keeps running and retrying (the proxy may only be
     * late), says why in one line per attempt, and Docker marks it unhealthy.
     */
    @Test
    void aWrongProxyNameIsLoggedAndUnhealthy() throws Exception {
        Stack stack = Stack.copy("tecnativa", "wrongname", Compose.V1);
        stack.replaceInFile("SCANOPY_DOCKER_PROXY=http://docker-proxy:2375", "SCANOPY_DOCKER_PROXY=http://no-such-proxy:2375");
        try {
            stack.compose.require(COMPOSE_TIMEOUT, "up", "-d");
            String status = stack.awaitHealth(Set.of("unhealthy"), UNHEALTHY_WITHIN);
            assertEquals("unhealthy", status);
            InspectContainerResponse daemon = stack.inspect(DAEMON);
            assertTrue(daemon.getState().getRunning(), "it keeps running and retrying");
            String expected = "http://no-such-proxy:2375: Host not found: no-such-proxy (http://no-such-proxy:2375) — check the name;"
                    + " the daemon must be on the same Docker network as the proxy, or use an address it can resolve — retrying in ";
            List<String> attempts = stack.logLines(DAEMON).stream().filter(line -> line.contains("no-such-proxy")).toList();
            assertFalse(attempts.isEmpty(), stack.logs(DAEMON));
            for (String line : attempts) {
                assertTrue(line.contains(" WARN ") && line.contains(expected), line);
            }
            assertFalse(stack.logs(DAEMON).contains("\tat "), "no stack trace: " + stack.logs(DAEMON));
            JsonNode health = stack.health();
            assertFalse(health.path("ready").asBoolean(), health.toString());
            assertEquals("reconnecting", health.path("targets").get(0).path("state").asText(), health.toString());
        } finally {
            stack.down();
        }
    }

    /**
     * A certificate the variables name is missing: a configuration error, so the daemon exits 2
     * with one line naming the variable and the path; the restart policy starts it again, and it
     * says the same line each time; Docker never reports it healthy.
     */
    @Test
    void aMissingCertificateStopsTheDaemonWithOneLine() throws Exception {
        Stack stack = Stack.copy("https", "nocert", Compose.V1);
        stack.makeCertificates();
        Files.delete(stack.folder.resolve("certs/client-cert.pem"));
        try {
            stack.compose.require(COMPOSE_TIMEOUT, "up", "-d");
            InspectContainerResponse daemon = stack.awaitExit(DAEMON, Duration.ofSeconds(60));
            assertEquals(2L, daemon.getState().getExitCodeLong(), daemon.getState().toString());
            String line = "scanopy-daemon: SCANOPY_DOCKER_PROXY_SSL_CERT=/certs/client-cert.pem: does not exist; check the path"
                    + " (in a container: that its folder is mounted)";
            List<String> lines = stack.logLines(DAEMON);
            assertFalse(lines.isEmpty());
            for (String logged : lines) {
                assertEquals(line, logged, "every start says the one line, nothing else: " + lines);
            }
            assertNotEquals("healthy", daemon.getState().getHealth() == null ? null : daemon.getState().getHealth().getStatus());
        } finally {
            stack.down();
        }
    }

    // ---- the common run -------------------------------------------------------------------

    private interface InventoryCheck {
        void check(JsonNode inventory) throws Exception;
    }

    /**
     * Brings a setup up, checks it through the daemon's API and Docker, takes it down; records the times.
     */
    private static void runSetup(String compose, String setup, String plugin, String target, Map<String, String> statuses, InventoryCheck more)
            throws Exception {
        Stack stack = Stack.copy(setup, compose, compose.equals("v2") ? Compose.V2 : Compose.V1);
        // No version key: 1.29 then validates against the Compose Specification's schema, as v2 does.
        assertTrue(Files.readString(stack.folder.resolve("docker-compose.yml")).lines().noneMatch(l -> l.startsWith("version:")),
                "no version key: both read the Compose Specification");
        Compose.Result validated = stack.compose.run(COMPOSE_TIMEOUT, "config", "-q");
        assertEquals(0, validated.status(), compose + " config: " + validated.output());
        if (setup.equals("https")) {
            stack.makeCertificates();
        }
        long start = System.nanoTime();
        double up = Double.NaN;
        double healthy = Double.NaN;
        try {
            stack.compose.require(COMPOSE_TIMEOUT, "up", "-d");
            up = seconds(start);
            assertEquals("healthy", stack.awaitHealth(Set.of("healthy", "unhealthy"), HEALTHY_WITHIN), stack.logs(DAEMON));
            healthy = seconds(start);

            JsonNode health = stack.health();
            assertTrue(health.path("ready").asBoolean(), health.toString());
            JsonNode reached = health.path("targets").get(0);
            assertEquals(target, reached.path("target").asText(), health.toString());
            assertEquals("connected", reached.path("state").asText(), health.toString());
            assertEquals(plugin, reached.path("plugin").asText(), health.toString());

            JsonNode inventory = stack.inventory();
            Map<String, String> found = new TreeMap<>();
            for (JsonNode check : inventory.path("engines").get(0).path("capabilities").path("checks")) {
                found.put(check.path("capability").asText(), check.path("status").asText());
            }
            assertEquals(new TreeMap<>(statuses), found, "capability report");

            // Every service of the stack is in the inventory: the proxy's own container, the daemon itself.
            Set<String> services = new TreeSet<>();
            for (JsonNode container : inventory.path("engines").get(0).path("containers")) {
                if (stack.compose.project().equals(container.path("compose").path("project").asText())) {
                    services.add(container.path("compose").path("service").asText());
                }
            }
            assertEquals(stack.serviceNames(), services, "the stack's services, as the daemon sees them");
            more.check(inventory);

            stack.assertOnlyTheDaemonIsPublishedOnLoopback();
            assertEquals(DAEMON_USER, stack.inspect(DAEMON).getConfig().getUser(), "the image's non-root user");
        } finally {
            long downStart = System.nanoTime();
            stack.down();
            TIMINGS.put(setup + " (" + compose + ")", String.format("%.1f s | %.1f s | %.1f s", up, healthy, seconds(downStart)));
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static Map<String, String> allAllowed() {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (String capability : List.of("ping", "version", "info", "list-containers", "inspect-container", "list-networks", "events",
                "exec-create", "exec-start", "exec-inspect")) {
            statuses.put(capability, "allowed");
        }
        // The Swarm lists are asked of managers only: this engine is in no swarm.
        for (String capability : List.of("list-nodes", "list-services", "list-tasks")) {
            statuses.put(capability, "not-checked");
        }
        return statuses;
    }

    private static JsonNode check(JsonNode inventory, String capability) {
        for (JsonNode check : inventory.path("engines").get(0).path("capabilities").path("checks")) {
            if (check.path("capability").asText().equals(capability)) {
                return check;
            }
        }
        throw new AssertionError("no check " + capability + " in " + inventory);
    }

    /** Whether the engine's notes say service detection ran without exec (the note exec's fallback leaves). */
    private static boolean degradedDetection(JsonNode inventory) {
        for (JsonNode note : inventory.path("engines").get(0).path("notes")) {
            if (note.path("code").asText().equals("detection-degraded")) {
                return true;
            }
        }
        return false;
    }

    /** The docker-proxy service proxy-config prints, run from the daemon image as a user would. */
    private static JsonNode printedService(String flavor) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("docker", "run", "--rm", DAEMON_IMAGE, "proxy-config", "--flavor", flavor)
                .redirectErrorStream(false).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0, printed);
        return YAML.readTree(printed).path("services").path("docker-proxy");
    }

    private static List<JsonNode> services(Path folder) throws IOException {
        List<JsonNode> services = new ArrayList<>();
        YAML.readTree(folder.resolve("docker-compose.yml").toFile()).path("services").forEach(services::add);
        return services;
    }

    private static JsonNode service(Path folder, String name) throws IOException {
        JsonNode service = YAML.readTree(folder.resolve("docker-compose.yml").toFile()).path("services").path(name);
        assertFalse(service.isMissingNode(), "no service " + name + " in " + folder);
        return service;
    }

    private static Set<String> strings(JsonNode list) {
        Set<String> values = new HashSet<>();
        list.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** A copy of one setup's folder, its compose project, and what a test asks of it. */
    private static final class Stack {
        private final Path folder;
        private final Compose compose;
        private final int hostPort;
        private final String apiKey;

        private Stack(Path folder, Compose compose, int hostPort, String apiKey) {
            this.folder = folder;
            this.compose = compose;
            this.hostPort = hostPort;
            this.apiKey = apiKey;
        }

        /** Copies deploy/compose/SETUP to a folder of its own; a project name no one else uses. */
        static Stack copy(String setup, String purpose, String tool) throws IOException {
            Path folder = Files.createTempDirectory("scanopy-compose-" + setup + "-");
            Path source = DEPLOY.resolve("compose").resolve(setup);
            try (var files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Path copy = folder.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(file, copy);
                    }
                }
            }
            String project = "scanopy-it-" + setup + "-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
            int port = freePort();
            String key = UUID.randomUUID().toString();
            Map<String, String> environment = Map.of("DOCKER_GID", ProxyContainer.socketGroup(), "SCANOPY_HOST_PORT", Integer.toString(port),
                    "SCANOPY_DAEMON_API_KEY", key);
            return new Stack(folder, new Compose(tool, folder, project, environment), port, key);
        }

        void replaceInFile(String from, String to) throws IOException {
            Path file = folder.resolve("docker-compose.yml");
            String text = Files.readString(file);
            assertTrue(text.contains(from), from);
            Files.writeString(file, text.replace(from, to));
        }

        /** deploy/make-certs.sh ./certs, in the copy, as the README says; then its modes checked. */
        void makeCertificates() throws IOException, InterruptedException {
            Process process = new ProcessBuilder(DEPLOY.resolve("make-certs.sh").toString(), "./certs").directory(folder.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0, output);
            Path certs = folder.resolve("certs");
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("client-key.pem"))));
            assertEquals(10001, Files.getAttribute(certs.resolve("client-key.pem"), "unix:gid"));
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("server.pem"))));
            assertEquals(99, Files.getAttribute(certs.resolve("server.pem"), "unix:gid"));
        }

        Set<String> serviceNames() throws IOException {
            Set<String> names = new TreeSet<>();
            YAML.readTree(folder.resolve("docker-compose.yml").toFile()).path("services").fieldNames().forEachRemaining(names::add);
            return names;
        }

        private List<Container> containers() {
            return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("com.docker.compose.project", compose.project())).exec();
        }

        InspectContainerResponse inspect(String service) {
            for (Container container : containers()) {
                if (service.equals(container.getLabels().get("com.docker.compose.service"))) {
                    return DockerClientFactory.instance().client().inspectContainerCmd(container.getId()).exec();
                }
            }
            throw new AssertionError("no container of service " + service + " in project " + compose.project());
        }

        /** Waits, bounded, until Docker's health status of the daemon is one of those. */
        String awaitHealth(Set<String> statuses, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            String status = null;
            while (System.nanoTime() < end) {
                var health = inspect(DAEMON).getState().getHealth();
                status = health == null ? null : health.getStatus();
                if (statuses.contains(status)) {
                    return status;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("health still " + status + " after " + within.toSeconds() + " s; daemon log:\n" + logs(DAEMON));
        }

        /** Waits, bounded, until the service's container has exited at least once (the restart policy may have started it again). */
        InspectContainerResponse awaitExit(String service, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                InspectContainerResponse container = inspect(service);
                Long exit = container.getState().getExitCodeLong();
                if (exit != null && (!container.getState().getRunning() || container.getRestartCount() > 0) && exit != 0) {
                    return container;
                }
                Thread.sleep(250);
            }
            throw new AssertionError(service + " did not exit within " + within.toSeconds() + " s; log:\n" + logs(service));
        }

        String logs(String service) {
            try {
                Process process = new ProcessBuilder("docker", "logs", inspect(service).getId()).redirectErrorStream(true).start();
                String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                return text;
            } catch (IOException e) {
                return "(no logs: " + e + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "(interrupted)";
            }
        }

        List<String> logLines(String service) {
            return logs(service).lines().filter(line -> !line.isBlank()).toList();
        }

        JsonNode health() throws IOException, InterruptedException {
            return get("/api/health", false);
        }

        JsonNode inventory() throws IOException, InterruptedException {
            return get("/api/inventory", true);
        }

        private JsonNode get(String path, boolean withKey) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + path)).timeout(Duration.ofSeconds(10));
            if (withKey) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            return JSON.readTree(response.body());
        }

        /** Only the daemon's API port is published, and only on the host's loopback. */
        void assertOnlyTheDaemonIsPublishedOnLoopback() {
            for (Container container : containers()) {
                String service = container.getLabels().get("com.docker.compose.service");
                var bindings = DockerClientFactory.instance().client().inspectContainerCmd(container.getId()).exec()
                        .getHostConfig().getPortBindings().getBindings();
                bindings.forEach((exposed, hostBindings) -> {
                    if (hostBindings != null) {
                        for (var binding : hostBindings) {
                            assertEquals(DAEMON, service, service + " publishes " + exposed);
                            assertEquals("127.0.0.1", binding.getHostIp(), "the daemon's port on loopback only");
                        }
                    }
                });
            }
        }

        /** docker-compose down -v, then nothing of the project is left; the copy is deleted. */
        void down() throws IOException, InterruptedException {
            try {
                compose.require(COMPOSE_TIMEOUT, "down", "-v");
                assertTrue(containers().isEmpty(), "down -v left containers of " + compose.project());
            } finally {
                try (var files = Files.walk(folder)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
