package io.scanopy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code deploy/swarm}'s stacks, deployed as users deploy them ({@code docker stack deploy -c
 * FILE}) on a real single-node Swarm made for this test on the second engine (Docker 26.1), never
 * on the engine the other tests share: the daemon comes up as a global service, Docker reports its
 * task healthy (the image's HEALTHCHECK asks {@code /api/health}), and through the per-node proxy
 * variant it reads the cluster it runs in. The node's socket is Docker 26.1's, named by the
 * files' {@code DOCKER_SOCKET} variable. At the end the stacks are removed and the swarm left.
 */
@RequiresDocker
@DisabledIfSystemProperty(named = "scanopy.test.docker26.skip", matches = "true", disabledReason = "-Dscanopy.test.docker26.skip=true: no second engine")
@Execution(ExecutionMode.SAME_THREAD)
class SwarmStackIT {
    private static final Path SWARM = Path.of(System.getProperty("scanopy.test.deployDir", "../deploy")).toAbsolutePath().normalize().resolve("swarm");
    private static final String ENGINE = System.getProperty("scanopy.test.docker26.host", "unix:///run/docker26.sock");
    /** A range neither engine nor the testkit's Swarm test (10.227.0.0/16) uses. */
    private static final String ADDRESS_POOL = "10.228.0.0/16";
    private static final String DAEMON_IMAGE = "scanopy-daemon:latest";
    private static final String PROXY_IMAGE = "wollomatic/socket-proxy:1.13.1";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /** First check 30 s after the start (the image's interval), so healthy comes at about 30 s. */
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String API_KEY = UUID.randomUUID().toString();

    private static boolean gatewayBridgeWasThere;
    private static boolean swarmMadeHere;

    @BeforeAll
    static void swarmWithOurImages() throws Exception {
        String state = docker("info", "--format", "{{.Swarm.LocalNodeState}}").trim();
        assertEquals("inactive", state, ENGINE + " is already in a swarm: leave it (docker swarm leave --force) or run this test on another engine");
        // Our images, moved to the second engine as a user without a registry moves them.
        ProxyImages.named(PROXY_IMAGE, ProxyImages::wollomatic);
        copyToEngine(DAEMON_IMAGE);
        copyToEngine(PROXY_IMAGE);
        gatewayBridgeWasThere = docker("network", "ls", "--filter", "name=^docker_gwbridge$", "--format", "{{.Name}}").contains("docker_gwbridge");
        docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--default-addr-pool", ADDRESS_POOL);
        swarmMadeHere = true;
    }

    @AfterAll
    static void leaveTheSwarm() throws Exception {
        if (!swarmMadeHere) {
            return;
        }
        dockerResult("swarm", "leave", "--force");
        if (!gatewayBridgeWasThere) {
            // Made by swarm init for this test: nothing uses it once the swarm is left.
            dockerResult("network", "rm", "docker_gwbridge");
        }
    }

    /** stack.yml: a global daemon on the node's socket, read-only, healthy, locked down as the file says. */
    @Test
    void theDaemonRunsOnEveryNodeOnItsSocket() throws Exception {
        String stack = "scanopy-direct-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> environment = variables();
        try {
            deploy("stack.yml", stack, environment);
            String service = stack + "_scanopy-daemon";
            JsonNode spec = JSON.readTree(docker("service", "inspect", service, "--format", "{{json .Spec}}"));
            assertTrue(spec.path("Mode").has("Global"), "mode: global: " + spec.path("Mode"));
            JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
            assertEquals("10001:" + environment.get("DOCKER_GID"), container.path("User").asText(), "non-root, the socket's group as its group");
            assertTrue(container.path("ReadOnly").asBoolean(), "read-only root file system");
            assertEquals("[\"ALL\"]", container.path("CapabilityDrop").toString());
            JsonNode mount = container.path("Mounts").get(0);
            assertEquals(environment.get("DOCKER_SOCKET"), mount.path("Source").asText());
            assertEquals("/var/run/docker.sock", mount.path("Target").asText());
            assertTrue(mount.path("ReadOnly").asBoolean(), "socket mounted read-only");
            assertEquals("[\"node.platform.os == linux\"]", spec.path("TaskTemplate").path("Placement").path("Constraints").toString());

            String task = awaitHealthyTask(service);
            // The daemon's own answer, asked the way the HEALTHCHECK asks it (the image has no shell).
            List<String> log = logLines(task);
            assertTrue(log.stream().anyMatch(line -> line.contains("local Docker ready: plugin docker-direct") && line.contains("Docker 26.1")),
                    "the daemon reached the node's own engine (Docker 26.1) through the mounted socket: " + log);
        } finally {
            remove(stack);
        }
    }

    /**
     * stack-proxy.yml: on each node a wollomatic proxy listening on 127.0.0.1 of the host network
     * and a daemon reaching it there; on this manager the daemon reads the cluster, its own stack
     * in it, each task linked to the container it discovered.
     */
    @Test
    void behindAPerNodeProxyTheDaemonReadsTheCluster() throws Exception {
        String stack = "scanopy-proxy-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> environment = variables();
        // On the host network the daemon's port is the host's: loopback only for the test.
        environment.put("SCANOPY_BIND_ADDRESS", "127.0.0.1");
        try {
            deploy("stack-proxy.yml", stack, environment);
            awaitHealthyTask(stack + "_scanopy-daemon");

            JsonNode inventory = JSON.readTree(get("http://127.0.0.1:" + environment.get("SCANOPY_HOST_PORT") + "/api/inventory"));
            JsonNode engine = inventory.path("engines").get(0);
            assertEquals("docker-proxy-wollomatic", engine.path("reachedVia").get(0).path("plugin").asText(), engine.path("reachedVia").toString());
            Map<String, String> checks = new LinkedHashMap<>();
            for (JsonNode check : engine.path("capabilities").path("checks")) {
                checks.put(check.path("capability").asText(), check.path("status").asText());
            }
            for (String capability : List.of("list-nodes", "list-services", "list-tasks", "list-containers", "events")) {
                assertEquals("allowed", checks.get(capability), capability + " through the stack's proxy: " + checks);
            }
            // The file runs the daemon with --no-exec (the proxy admits GET only): exec is never asked.
            assertEquals("not-checked", checks.get("exec-create"), checks.toString());

            JsonNode swarm = engine.path("swarm");
            assertEquals(1, swarm.path("nodes").size(), swarm.toString());
            assertEquals("manager", swarm.path("nodes").get(0).path("role").asText());
            Set<String> containerIds = new HashSet<>();
            engine.path("containers").forEach(c -> containerIds.add(c.path("id").asText()));
            Map<String, JsonNode> services = new LinkedHashMap<>();
            swarm.path("services").forEach(s -> services.put(s.path("name").asText(), s));
            for (String name : List.of(stack + "_docker-proxy", stack + "_scanopy-daemon")) {
                JsonNode service = services.get(name);
                assertTrue(service != null, name + " in the cluster's services: " + services.keySet());
                assertEquals("global", service.path("mode").asText(), service.toString());
                assertEquals(stack, service.path("stack").asText(), "the stack namespace: " + service);
                List<JsonNode> tasks = new ArrayList<>();
                swarm.path("tasks").forEach(t -> {
                    if (t.path("serviceId").asText().equals(service.path("id").asText())) {
                        tasks.add(t);
                    }
                });
                assertEquals(1, tasks.size(), "one task per node: " + tasks);
                JsonNode task = tasks.get(0);
                assertEquals("running", task.path("state").asText(), task.toString());
                assertTrue(task.path("containerDiscovered").asBoolean(), "the task's container is this node's: " + task);
                assertTrue(containerIds.contains(task.path("containerId").asText()), "linked to a discovered container: " + task);
            }
        } finally {
            remove(stack);
        }
    }

    // ---- the stack as a user deploys it ----------------------------------------------------

    /** What a user exports before deploying, here for Docker 26.1's socket and free ports. */
    private static Map<String, String> variables() throws IOException, InterruptedException {
        Map<String, String> environment = new LinkedHashMap<>();
        String socket = URI.create(ENGINE).getPath();
        environment.put("DOCKER_SOCKET", socket);
        environment.put("DOCKER_GID", Commands.run(Duration.ofSeconds(10), Map.of(), "stat", "-c", "%g", socket).trim());
        environment.put("SCANOPY_DAEMON_API_KEY", API_KEY);
        environment.put("SCANOPY_HOST_PORT", Integer.toString(freePort()));
        environment.put("SCANOPY_PROXY_PORT", Integer.toString(freePort()));
        return environment;
    }

    private static void deploy(String file, String stack, Map<String, String> environment) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("DOCKER_HOST", ENGINE);
        // No registry: the images are on the node already, as `docker load` put them.
        Commands.run(COMMAND_TIMEOUT, env, "docker", "stack", "deploy", "--resolve-image", "never", "-c", SWARM.resolve(file).toString(), stack);
    }

    /** Waits until the service's task container is healthy; fails with its log when it turns unhealthy or time runs out. */
    private static String awaitHealthyTask(String service) throws Exception {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        String last = "no task container yet";
        while (System.nanoTime() < deadline) {
            String id = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service).trim();
            if (!id.isEmpty() && !id.contains("\n")) {
                last = docker("inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", id).trim();
                if (last.equals("healthy")) {
                    return id;
                }
                assertFalse(last.equals("unhealthy"), service + " turned unhealthy: " + docker("inspect", "--format", "{{json .State.Health.Log}}", id)
                        + "\n" + String.join("\n", logLines(id)));
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(service + " not healthy within " + HEALTHY_WITHIN.toSeconds() + " s (" + last + "); tasks:\n"
                + docker("service", "ps", "--no-trunc", service));
    }

    /** Removes the stack and waits (bounded) until its containers and network are gone. */
    private static void remove(String stack) throws Exception {
        dockerResult("stack", "rm", stack);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String left = docker("ps", "-a", "-q", "--filter", "label=com.docker.stack.namespace=" + stack)
                    + docker("network", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + stack);
            if (left.isBlank()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("stack " + stack + " still has containers or networks 60 s after docker stack rm");
    }

    private static List<String> logLines(String container) throws IOException, InterruptedException {
        return docker("logs", container).lines().toList();
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + API_KEY).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return response.body();
    }

    // ---- the docker command ---------------------------------------------------------------

    private static void copyToEngine(String image) throws IOException, InterruptedException {
        Path archive = Files.createTempFile("scanopy-image-", ".tar");
        try {
            Commands.run(COMMAND_TIMEOUT, Map.of(), "docker", "save", "-o", archive.toString(), image);
            docker("load", "-q", "-i", archive.toString());
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** {@code docker ARGS} on the second engine; it must succeed. */
    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Commands.run(COMMAND_TIMEOUT, Map.of("DOCKER_HOST", ENGINE), command.toArray(String[]::new));
    }

    /** {@code docker ARGS} on the second engine, for clean-up: a failure is printed, not thrown. */
    private static void dockerResult(String... args) {
        try {
            docker(args);
        } catch (IOException | RuntimeException | InterruptedException e) {
            System.err.println("clean-up: " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
