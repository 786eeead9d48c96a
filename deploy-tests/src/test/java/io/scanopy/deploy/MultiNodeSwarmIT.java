package io.scanopy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.TestImages;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.IOException;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code deploy/swarm}'s stacks on a real three-node Swarm: one manager and two workers, each a
 * Docker 26.1 engine of its own made by {@code scripts/swarm-nodes.sh} (own network, mount and UTS
 * namespaces: its own address on a switch only the nodes and the host share, its own
 * {@code /var/run/docker.sock}, its own hostname). Never the engines the other tests use.
 *
 * <p>The cluster is made as a user makes one ({@code swarm init}, {@code swarm join}), our
 * images moved to every node with {@code docker save | docker load}; a replicated service on an
 * overlay network spanning the nodes and a global service run beside both stacks, deployed
 * literally ({@code docker stack deploy -c FILE}, the socket at the files' default path). Checked:
 * the daemon turns healthy on every node and reached that node's own engine; the manager's
 * daemons (direct socket, and through the node's wollomatic proxy) list the three nodes, the
 * services and the tasks on every node, each task linked to a container only when that container
 * is the manager's own; the workers' daemons say they are workers. The test talks to the daemons
 * on the nodes' addresses on that switch, a network made for this test.
 */
@RequiresDocker
@DisabledIfSystemProperty(named = "scanopy.test.docker26.skip", matches = "true", disabledReason = "-Dscanopy.test.docker26.skip=true: no Docker 26.1 packages")
@Execution(ExecutionMode.SAME_THREAD)
class MultiNodeSwarmIT {
    private static final Path DEPLOY = Path.of(System.getProperty("scanopy.test.deployDir", "../deploy")).toAbsolutePath().normalize();
    private static final Path SWARM = DEPLOY.resolve("swarm");
    private static final Path NODES_SCRIPT = DEPLOY.resolveSibling("scripts").resolve("swarm-nodes.sh");
    private static final int NODE_COUNT = 3;
    /** The nodes' addresses on the script's switch: 10.229.0.(10+i). */
    private static final String NODE_ADDRESS_PREFIX = "10.229.0.";
    /** Overlay networks: a range no engine of the machine uses. */
    private static final String ADDRESS_POOL = "10.230.0.0/16";
    private static final String DAEMON_IMAGE = "scanopy-daemon:latest";
    private static final String PROXY_IMAGE = "wollomatic/socket-proxy:1.13.1";
    /** stack.yml's default port; stack-proxy.yml's daemon, on the node's host network beside it, gets the next. */
    private static final int DIRECT_PORT = 60073;
    private static final int PROXY_STACK_PORT = 60074;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(60);
    /** First health check 30 s after the start (the image's interval). */
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String API_KEY = UUID.randomUUID().toString();

    /** Each node's socket as the host reaches it, by node number (1 is the manager). */
    private static final Map<Integer, String> NODE_SOCKETS = new TreeMap<>();
    /** Swarm node id by node number. */
    private static final Map<Integer, String> NODE_IDS = new TreeMap<>();
    private static long startedAt;

    @BeforeAll
    static void threeNodeSwarm() throws Exception {
        startedAt = System.nanoTime();
        long mark = System.nanoTime();
        String sockets = Commands.run(COMMAND_TIMEOUT, Map.of(), NODES_SCRIPT.toString(), "start", Integer.toString(NODE_COUNT));
        List<String> lines = sockets.lines().filter(l -> l.startsWith("unix://")).toList();
        assertEquals(NODE_COUNT, lines.size(), "swarm-nodes.sh prints one socket a node:\n" + sockets);
        for (int i = 1; i <= NODE_COUNT; i++) {
            NODE_SOCKETS.put(i, lines.get(i - 1));
            String state = docker(i, "info", "--format", "{{.Swarm.LocalNodeState}}").trim();
            assertEquals("inactive", state, "node " + i + " is already in a swarm: run " + NODES_SCRIPT + " stop, then the test again");
        }
        measured("nodes started", mark);

        mark = System.nanoTime();
        docker(1, "swarm", "init", "--advertise-addr", address(1), "--default-addr-pool", ADDRESS_POOL);
        String token = docker(1, "swarm", "join-token", "-q", "worker").trim();
        onEveryWorker(i -> docker(i, "swarm", "join", "--advertise-addr", address(i), "--token", token, address(1) + ":2377"));
        measured("swarm init and join", mark);

        // Our images, moved to every node as a user without a registry moves them.
        mark = System.nanoTime();
        ProxyImages.named(PROXY_IMAGE, ProxyImages::wollomatic);
        String busybox = TestImages.busybox();
        Path archive = Files.createTempFile("scanopy-images-", ".tar");
        try {
            Commands.run(COMMAND_TIMEOUT, Map.of(), "docker", "save", "-o", archive.toString(), DAEMON_IMAGE, PROXY_IMAGE, busybox);
            onEveryNode(i -> docker(i, "load", "-q", "-i", archive.toString()));
        } finally {
            Files.deleteIfExists(archive);
        }
        measured("images saved and loaded on " + NODE_COUNT + " nodes", mark);

        for (int i = 1; i <= NODE_COUNT; i++) {
            NODE_IDS.put(i, docker(i, "info", "--format", "{{.Swarm.NodeID}}").trim());
        }
        JsonNode nodes = JSON.readTree("[" + String.join(",", docker(1, "node", "ls", "--format", "{{json .}}").strip().split("\n")) + "]");
        assertEquals(NODE_COUNT, nodes.size(), nodes.toString());
        nodes.forEach(n -> assertEquals("Ready", n.path("Status").asText(), "every node ready: " + nodes));
    }

    @AfterAll
    static void stopTheNodes() throws Exception {
        long mark = System.nanoTime();
        if (!NODE_SOCKETS.isEmpty()) {
            // As a user dismantles a cluster: workers first, then the manager.
            for (int i = NODE_COUNT; i >= 1; i--) {
                int node = i;
                cleanUp(() -> docker(node, "swarm", "leave", "--force"));
            }
        }
        // Daemons, namespaces, switch and tmpfs: whatever start made, even when it failed half-way.
        cleanUp(() -> Commands.run(COMMAND_TIMEOUT, Map.of(), NODES_SCRIPT.toString(), "stop"));
        measured("clean-up", mark);
        measured("the whole test", startedAt);
    }

    @Test
    void theStacksRunOnEveryNodeAndTheManagerSeesTheCluster() throws Exception {
        // A replicated service spread over the nodes on an overlay network, and a global one.
        String network = "scanopy-mn-" + UUID.randomUUID().toString().substring(0, 8);
        String replicated = network + "-replicated";
        String global = network + "-global";
        String busybox = TestImages.busybox();
        docker(1, "network", "create", "--driver", "overlay", "--attachable", network);
        // --no-resolve-image: no registry; the image is on every node.
        docker(1, "service", "create", "--detach", "--no-resolve-image", "--name", replicated, "--replicas", Integer.toString(NODE_COUNT), "--replicas-max-per-node", "1",
                "--network", network, busybox, "sleep", "3600");
        docker(1, "service", "create", "--detach", "--no-resolve-image", "--name", global, "--mode", "global", busybox, "sleep", "3600");
        awaitRunningOnEveryNode(replicated);
        awaitRunningOnEveryNode(global);
        // The overlay spans the nodes: the manager's replica reaches the last worker's over VXLAN.
        String farAddress = docker(NODE_COUNT, "inspect", "--format", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}",
                taskContainer(NODE_COUNT, replicated)).trim();
        assertTrue(IPV4.matcher(farAddress).matches(), "the overlay address of the replica on node " + NODE_COUNT + ": " + farAddress);
        docker(1, "exec", taskContainer(1, replicated), "ping", "-c", "1", "-W", "5", farAddress);

        // Both stacks, as a user deploys them on this cluster: the socket at its default path.
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("DOCKER_GID", Commands.run(Duration.ofSeconds(10), Map.of(), "stat", "-c", "%g", URI.create(NODE_SOCKETS.get(1)).getPath()).trim());
        environment.put("SCANOPY_DAEMON_API_KEY", API_KEY);
        String direct = "scanopy-direct";
        String proxied = "scanopy-proxy";
        long mark = System.nanoTime();
        deploy("stack.yml", direct, environment);
        Map<String, String> proxyEnvironment = new LinkedHashMap<>(environment);
        proxyEnvironment.put("SCANOPY_HOST_PORT", Integer.toString(PROXY_STACK_PORT));
        deploy("stack-proxy.yml", proxied, proxyEnvironment);

        for (int i = 1; i <= NODE_COUNT; i++) {
            awaitHealthy(i, direct + "_scanopy-daemon");
            awaitHealthy(i, proxied + "_scanopy-daemon");
        }
        measured("both stacks healthy on " + NODE_COUNT + " nodes", mark);

        for (int i = 1; i <= NODE_COUNT; i++) {
            String node = "swarm-node" + i;
            assertReached(i, direct + "_scanopy-daemon", "local Docker ready: plugin docker-direct, engine " + node + " (Docker 26.1");
            assertReached(i, proxied + "_scanopy-daemon", "ready: plugin docker-proxy-wollomatic, engine " + node + " (Docker 26.1");
            for (int port : List.of(DIRECT_PORT, PROXY_STACK_PORT)) {
                JsonNode engine = inventory(i, port).path("engines").get(0);
                assertEquals(docker(i, "info", "--format", "{{.ID}}").trim(), engine.path("id").asText(),
                        "the daemon on port " + port + " of node " + i + " reads its own node's engine: " + engine.path("name"));
                if (i > 1) {
                    assertTrue(engine.path("swarm").isMissingNode() || engine.path("swarm").isNull(), "a worker lists no cluster: " + engine.path("swarm"));
                    assertTrue(notes(engine).contains("swarm-worker"), "a worker says where the cluster can be seen: " + engine.path("notes"));
                }
            }
        }

        List<String> services = List.of(replicated, global, direct + "_scanopy-daemon", proxied + "_scanopy-daemon", proxied + "_docker-proxy");
        for (int port : List.of(DIRECT_PORT, PROXY_STACK_PORT)) {
            assertTheManagerSeesTheCluster(port, services, Map.of(replicated, "replicated", global, "global"));
        }

        // The machine's own engines and firewall are untouched: the nodes' networks live in their namespaces.
        String hostRules = Commands.run(Duration.ofSeconds(20), Map.of(), "iptables-save");
        assertFalse(hostRules.contains(NODE_ADDRESS_PREFIX) || hostRules.contains("10.230."), "the host's iptables mention a node's range:\n" + hostRules);
    }

    /** The manager's daemon on {@code port}: three nodes, the services, tasks on every node, linked to containers only on the manager. */
    private static void assertTheManagerSeesTheCluster(int port, List<String> services, Map<String, String> modes) throws Exception {
        // The daemon reads the cluster again on Swarm events or its poll: allow it one round.
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                checkCluster(port, services, modes);
                return;
            } catch (AssertionError e) {
                last = e;
                Thread.sleep(1000);
            }
        }
        throw last;
    }

    private static void checkCluster(int port, List<String> services, Map<String, String> modes) throws Exception {
        JsonNode engine = inventory(1, port).path("engines").get(0);
        JsonNode swarm = engine.path("swarm");
        String where = "the manager's daemon on port " + port + ": ";
        assertEquals(NODE_IDS.get(1), swarm.path("nodeId").asText(), where + "its own node: " + swarm.path("nodeId"));
        Map<String, JsonNode> nodes = new TreeMap<>();
        swarm.path("nodes").forEach(n -> nodes.put(n.path("id").asText(), n));
        assertEquals(new HashSet<>(NODE_IDS.values()), nodes.keySet(), where + "the three nodes: " + swarm.path("nodes"));
        for (int i = 1; i <= NODE_COUNT; i++) {
            JsonNode node = nodes.get(NODE_IDS.get(i));
            assertEquals("swarm-node" + i, node.path("hostname").asText(), where + node);
            assertEquals(i == 1 ? "manager" : "worker", node.path("role").asText(), where + node);
            assertEquals("ready", node.path("state").asText(), where + node);
            assertEquals(address(i), node.path("address").asText(), where + node);
        }

        Map<String, JsonNode> byName = new LinkedHashMap<>();
        swarm.path("services").forEach(s -> byName.put(s.path("name").asText(), s));
        Set<String> containerIds = new HashSet<>();
        engine.path("containers").forEach(c -> containerIds.add(c.path("id").asText()));
        for (String name : services) {
            JsonNode service = byName.get(name);
            assertNotNull(service, where + name + " in the services: " + byName.keySet());
            String mode = modes.getOrDefault(name, "global");
            assertEquals(mode, service.path("mode").asText(), where + service);
            if (mode.equals("replicated")) {
                assertEquals(NODE_COUNT, service.path("replicas").asInt(), where + service);
            }
            Map<String, JsonNode> taskByNode = new TreeMap<>();
            for (JsonNode task : swarm.path("tasks")) {
                if (task.path("serviceId").asText().equals(service.path("id").asText()) && task.path("desiredState").asText().equals("running")) {
                    assertEquals("running", task.path("state").asText(), where + task);
                    assertTrue(taskByNode.put(task.path("nodeId").asText(), task) == null, where + name + " has one task a node: " + task);
                }
            }
            assertEquals(new HashSet<>(NODE_IDS.values()), taskByNode.keySet(), where + name + " has a task on every node: " + taskByNode.values());
            taskByNode.forEach((nodeId, task) -> {
                boolean own = nodeId.equals(NODE_IDS.get(1));
                assertEquals(own, task.path("containerDiscovered").asBoolean(),
                        where + "a task's container is discovered exactly when it runs on the manager itself: " + task);
                if (own) {
                    assertTrue(containerIds.contains(task.path("containerId").asText()), where + "linked to a discovered container: " + task);
                } else {
                    assertFalse(containerIds.contains(task.path("containerId").asText()), where + "another node's container: " + task);
                }
            });
        }
    }

    // ---- the cluster ------------------------------------------------------------------------

    private static String address(int node) {
        return NODE_ADDRESS_PREFIX + (10 + node);
    }

    private static void deploy(String file, String stack, Map<String, String> environment) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("DOCKER_HOST", NODE_SOCKETS.get(1));
        // No registry: the images are on every node already, as docker load put them.
        Commands.run(COMMAND_TIMEOUT, env, "docker", "stack", "deploy", "--resolve-image", "never", "-c", SWARM.resolve(file).toString(), stack);
    }

    /** The running container of the service's task on the node. */
    private static String taskContainer(int node, String service) throws IOException, InterruptedException {
        String id = docker(node, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service).trim();
        assertTrue(!id.isEmpty() && !id.contains("\n"), "one container of " + service + " on node " + node + ": " + id);
        return id;
    }

    private static void awaitRunningOnEveryNode(String service) throws Exception {
        long deadline = System.nanoTime() + RUNNING_WITHIN.toNanos();
        String tasks = "";
        while (System.nanoTime() < deadline) {
            tasks = docker(1, "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", service);
            Set<String> running = new HashSet<>();
            tasks.lines().filter(l -> l.contains(" Running ")).forEach(l -> running.add(l.substring(0, l.indexOf(' '))));
            if (running.size() == NODE_COUNT) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(service + " not running on all " + NODE_COUNT + " nodes within " + RUNNING_WITHIN.toSeconds() + " s:\n" + tasks);
    }

    /** Waits until the service's task container on the node is healthy; fails with its log when it turns unhealthy or time runs out. */
    private static void awaitHealthy(int node, String service) throws Exception {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        String last = "no task container yet";
        while (System.nanoTime() < deadline) {
            String id = docker(node, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service).trim();
            if (!id.isEmpty() && !id.contains("\n")) {
                last = docker(node, "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", id).trim();
                if (last.equals("healthy")) {
                    return;
                }
                assertFalse(last.equals("unhealthy"), service + " on node " + node + " turned unhealthy: "
                        + docker(node, "inspect", "--format", "{{json .State.Health.Log}}", id) + "\n" + docker(node, "logs", id));
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(service + " on node " + node + " not healthy within " + HEALTHY_WITHIN.toSeconds() + " s (" + last + "); tasks:\n"
                + docker(1, "service", "ps", "--no-trunc", service));
    }

    private static void assertReached(int node, String service, String line) throws IOException, InterruptedException {
        String log = docker(node, "logs", taskContainer(node, service));
        assertTrue(log.contains(line), service + " on node " + node + " reached its own node's engine (" + line + "):\n" + log);
    }

    private static JsonNode inventory(int node, int port) throws IOException, InterruptedException {
        String url = "http://" + address(node) + ":" + port + "/api/inventory";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + API_KEY).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static Set<String> notes(JsonNode engine) {
        Set<String> codes = new HashSet<>();
        engine.path("notes").forEach(n -> codes.add(n.path("code").asText()));
        return codes;
    }

    private static void measured(String what, long since) {
        System.out.printf("multi-node swarm: %s in %.1f s%n", what, (System.nanoTime() - since) / 1e9);
    }

    // ---- commands -------------------------------------------------------------------------

    private interface NodeCommand {
        void run(int node) throws Exception;
    }

    private interface CleanUp {
        void run() throws Exception;
    }

    private static void onEveryNode(NodeCommand command) throws Exception {
        onNodes(1, command);
    }

    private static void onEveryWorker(NodeCommand command) throws Exception {
        onNodes(2, command);
    }

    /** The command on nodes {@code first..NODE_COUNT} at once; each is bounded by {@link #run}. */
    private static void onNodes(int first, NodeCommand command) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(NODE_COUNT);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = first; i <= NODE_COUNT; i++) {
                int node = i;
                results.add(executor.submit(() -> {
                    command.run(node);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static void cleanUp(CleanUp step) {
        try {
            step.run();
        } catch (Exception e) {
            System.err.println("clean-up: " + e.getMessage());
        }
    }

    /** {@code docker ARGS} on the node; it must succeed. */
    private static String docker(int node, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Commands.run(COMMAND_TIMEOUT, Map.of("DOCKER_HOST", NODE_SOCKETS.get(node)), command.toArray(String[]::new));
    }
}
