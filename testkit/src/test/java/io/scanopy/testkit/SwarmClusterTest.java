package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.Fallback;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.NetworkAttachment;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.SwarmCluster;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Swarm cluster discovery on a real single-node Swarm ({@link SwarmFixture}) on Docker 26.1:
 * straight to the socket, through socket proxies with and without the Swarm sections, and the
 * daemon following a scaled service. Tagged {@code swarm}: it runs once, in its own execution
 * on the second engine (testkit/pom.xml), after the other runs on that engine, and leaves the
 * swarm at the end, so they never meet a Swarm.
 */
@RequiresDocker
@Tag("swarm")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmClusterTest {
    private static final String TASK_LABEL = "com.docker.swarm.task.id";
    private static final Set<DockerEndpoint> SWARM_LISTS = EnumSet.of(DockerEndpoint.LIST_NODES, DockerEndpoint.LIST_SERVICES, DockerEndpoint.LIST_TASKS);
    private static SwarmFixture swarm;
    private static PluginRegistry registry;

    @BeforeAll
    static void makeTheSwarm() throws Exception {
        long t0 = System.nanoTime();
        swarm = SwarmFixture.start();
        System.out.printf("[swarm] swarm made, 3 services deployed and running in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-swarm-plugins"));
    }

    @AfterAll
    static void leaveTheSwarm() throws Exception {
        long t0 = System.nanoTime();
        try {
            Live.closeAll(registry);
        } finally {
            if (swarm != null) {
                swarm.close();
            }
        }
        System.out.printf("[swarm] removed and left in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("inactive", SwarmFixture.docker("info", "--format", "{{.Swarm.LocalNodeState}}").strip(), "the engine is out of the swarm again");
    }

    private static DockerEngine discover(TargetSpec target) {
        var result = new DiscoveryEngine(registry).discover(List.of(target), DiscoveryOptions.defaults().withDetection(null));
        assertTrue(result.failures().isEmpty(), () -> result.failures().toString());
        return result.inventory().engines().get(0);
    }

    private static SwarmCluster.Service service(SwarmCluster cluster, String name) {
        return cluster.services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no service " + name + " in " + cluster.services()));
    }

    @Test
    @Order(1)
    void straightToTheSocketTheInventoryHoldsTheClusterLinkedToThisNodesContainers() throws Exception {
        DockerEngine engine = discover(TargetSpec.local(System.getenv()));
        for (DockerEndpoint list : SWARM_LISTS) {
            assertEquals(CapabilityReport.Status.ALLOWED, engine.capabilities().check(list).status(), list.toString());
        }
        SwarmCluster cluster = engine.swarm();
        assertNotNull(cluster, () -> "a manager's inventory holds its cluster: " + engine.notes());
        assertEquals(swarm.clusterAndNode(), List.of(cluster.id(), cluster.nodeId()));

        SwarmCluster.Node node = cluster.nodes().get(0);
        assertEquals(1, cluster.nodes().size());
        assertEquals(List.of(cluster.nodeId(), "manager", "active", "ready", "127.0.0.1", true),
                List.of(node.id(), node.role(), node.availability(), node.state(), node.address(), node.leader()));
        assertEquals(EngineUnderTest.describe().version(), node.engineVersion());
        assertEquals(engine.name(), node.hostname());

        SwarmCluster.Service web = service(cluster, SwarmFixture.WEB);
        assertEquals(List.of("replicated", 2), List.of(web.mode(), web.replicas()));
        assertEquals(List.of(new SwarmCluster.Port("tcp", 80, swarm.webPort, "ingress")), web.ports());
        assertEquals(List.of(SwarmFixture.NETWORK), web.networks().stream().map(SwarmCluster.NetworkRef::name).toList());
        SwarmCluster.VirtualIp webVip = web.virtualIps().stream().filter(v -> SwarmFixture.NETWORK.equals(v.networkName())).findFirst()
                .orElseThrow(() -> new AssertionError("a VIP on " + SwarmFixture.NETWORK + ": " + web.virtualIps()));
        assertTrue(webVip.address().startsWith("10.227."), webVip.address());
        assertTrue(web.virtualIps().stream().anyMatch(v -> "ingress".equals(v.networkName())), "the routing mesh gives it a VIP on ingress: " + web.virtualIps());
        assertNull(web.stack());

        SwarmCluster.Service agent = service(cluster, SwarmFixture.AGENT);
        assertEquals("global", agent.mode());
        assertNull(agent.replicas());
        assertEquals(List.of(new SwarmCluster.Port("tcp", 81, swarm.agentPort, "host")), agent.ports());

        SwarmCluster.Service api = service(cluster, SwarmFixture.STACK_SERVICE);
        assertEquals(List.of("replicated", 1, SwarmFixture.STACK), List.of(api.mode(), api.replicas(), api.stack()));
        assertTrue(api.virtualIps().stream().anyMatch(v -> SwarmFixture.STACK_NETWORK.equals(v.networkName()) && v.address().startsWith("10.227.")),
                api.virtualIps().toString());

        // Every running task of the three services is linked to a container of this engine, and that container says it is the task's.
        for (SwarmCluster.Service s : List.of(web, agent, api)) {
            List<SwarmCluster.Task> tasks = cluster.tasks().stream().filter(t -> t.serviceId().equals(s.id())).toList();
            assertEquals(s == web ? 2 : 1, tasks.size(), () -> s.name() + ": " + tasks);
            for (SwarmCluster.Task task : tasks) {
                assertEquals(List.of(s.name(), "running", "running", cluster.nodeId(), true),
                        List.of(task.serviceName(), task.desiredState(), task.state(), task.nodeId(), task.containerDiscovered()), task.toString());
                Container container = engine.containers().stream().filter(c -> c.id().equals(task.containerId())).findFirst()
                        .orElseThrow(() -> new AssertionError("task " + task.id() + "'s container is not in the inventory"));
                assertEquals(task.id(), container.labels().get(TASK_LABEL));
                // On overlay networks the task's address is its container's.
                for (SwarmCluster.Attachment attachment : task.networks()) {
                    String address = attachment.addresses().get(0);
                    assertTrue(container.networks().stream().map(NetworkAttachment::ipAddress).anyMatch(address::startsWith),
                            () -> attachment + " vs " + container.networks());
                }
            }
        }
        assertEquals(List.of(1, 2), cluster.tasks().stream().filter(t -> t.serviceId().equals(web.id())).map(SwarmCluster.Task::slot).sorted().toList());
        assertTrue(cluster.tasks().stream().filter(t -> t.serviceId().equals(web.id()))
                .allMatch(t -> t.networks().stream().anyMatch(a -> a.networkName().equals(SwarmFixture.NETWORK))), "web tasks attach to the overlay network");
    }

    @Test
    @Order(2)
    @Tag("socket-proxy")
    void aProxyWithoutTheSwarmSectionsGivesThisNodesContainersAndSaysWhatToSet() {
        Set<DockerEndpoint> readOnly = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT));
        readOnly.removeAll(SWARM_LISTS);
        // What proxy-config --flavor tecnativa --no-exec prints: the Swarm sections off.
        Map<String, String> environment = registry.find("docker-proxy-tecnativa").orElseThrow().plugin().proxySetup(readOnly).orElseThrow().environment();
        assertEquals(List.of("0", "0", "0"), List.of(environment.get("NODES"), environment.get("SERVICES"), environment.get("TASKS")));
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment)) {
            proxy.start();
            DockerEngine engine = discover(new TargetSpec(URI.create(proxy.url()), null, null, Map.of()));
            for (DockerEndpoint list : SWARM_LISTS) {
                Check check = engine.capabilities().check(list);
                assertEquals(List.of(CapabilityReport.Status.DENIED, "proxy", Fallback.LOCAL_NODE_ONLY), List.of(check.status(), check.deniedBy(), check.fallback()),
                        check.toString());
                String section = list.pathTemplate().substring(1).toUpperCase(java.util.Locale.ROOT);
                assertEquals("set " + section + "=1 in the docker-socket-proxy's environment", check.remediation());
                Note note = engine.notes().stream().filter(n -> n.code().equals("degraded") && list.capability().equals(n.subject())).findFirst()
                        .orElseThrow(() -> new AssertionError("a note on " + list + ": " + engine.notes()));
                assertTrue(note.message().contains("this node's containers only") && note.message().contains(section + "=1"), note.message());
            }
            // The cluster is known to exist (from /info) and left out; this node's containers, the tasks' among them, are all there.
            assertNotNull(engine.swarm());
            assertEquals(java.util.Arrays.asList(null, null, null), java.util.Arrays.asList(engine.swarm().nodes(), engine.swarm().services(), engine.swarm().tasks()));
            assertEquals(4, engine.containers().stream().filter(c -> c.labels().containsKey(TASK_LABEL)).count(), engine.containers().toString());
        }
    }

    @Test
    @Order(3)
    @Tag("socket-proxy")
    void proxiesSetUpWithTheSwarmListsPassThemLikeTheEngine() {
        Set<DockerEndpoint> readOnly = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT));
        // What proxy-config --no-exec --swarm prints, for each flavour; wollomatic admits the daemon's address here (the test is the daemon).
        var tecnativa = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http")
                .withProxyEnvironment(registry.find("docker-proxy-tecnativa").orElseThrow().plugin().proxySetup(readOnly).orElseThrow().environment());
        var wollomatic = new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(registry.find("docker-proxy-wollomatic").orElseThrow().plugin()
                .proxySetup(readOnly).orElseThrow().command().stream().map(f -> f.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : f).toList());
        SwarmCluster direct = discover(TargetSpec.local(System.getenv())).swarm();
        for (ProxyContainer proxy : List.of(tecnativa, wollomatic)) {
            try (proxy) {
                proxy.start();
                DockerEngine engine = discover(new TargetSpec(URI.create(proxy.url()), null, null, Map.of()));
                for (DockerEndpoint list : SWARM_LISTS) {
                    assertEquals(CapabilityReport.Status.ALLOWED, engine.capabilities().check(list).status(), proxy.image() + " " + list);
                }
                // The same cluster as straight to the socket (the proxy's own container is no task, so nothing else differs).
                assertEquals(direct, engine.swarm(), proxy.image().toString());
            }
        }
    }

    @Test
    @Order(4)
    void theDaemonShowsAScaledServiceAtOnceAndReadsTheIdleClusterEveryFifteenSeconds() throws Exception {
        try (ProxyContainer counter = new ProxyContainer(ProxyImages.counting(), 2375, "http")) {
            counter.start();
            try (Daemon daemon = Live.daemon(registry, new TargetSpec(URI.create(counter.url()), null, null, Map.of()),
                    Live.fast(DiscoveryOptions.defaults().withDetection(null)), null)) {
                daemon.start();
                assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), () -> "first sync: " + daemon.inventory().health());
                assertEquals(2, webTasks(daemon).size());

                // Idle: only the poll reads the cluster (three lists each time).
                long idleFrom = swarmRequests(counter);
                long t0 = System.nanoTime();
                Thread.sleep(31_000);
                long idle = swarmRequests(counter) - idleFrom;
                double perMinute = idle * 60_000.0 / ((System.nanoTime() - t0) / 1_000_000);
                System.out.printf("[swarm] idle cluster: %d Swarm list requests in 31 s (%.1f per minute): %s%n", idle, perMinute,
                        RequestLog.tally(RequestLog.of(counter).stream().filter(r -> isSwarmList(r.path())).toList()));
                assertTrue(idle >= 3 && idle <= 9, "two or three polls of three lists in 31 s, not " + idle);

                long scaledAt = System.nanoTime();
                SwarmFixture.docker("service", "scale", "--detach", SwarmFixture.WEB + "=3");
                Live.await(Duration.ofSeconds(30), () -> "three running web tasks linked to containers: " + webTasks(daemon),
                        () -> webTasks(daemon).size() == 3 && webTasks(daemon).stream().allMatch(t -> t.state().equals("running") && t.containerDiscovered())
                                && service(cluster(daemon), SwarmFixture.WEB).replicas() == 3);
                long total = (System.nanoTime() - scaledAt) / 1_000_000;
                System.out.printf("[swarm] a service scaled 2 -> 3 (docker service scale) shows in the daemon with its new task running and"
                        + " linked to its container %d ms after the command was given%n", total);
                assertTrue(total < 15_000, "the events, not the 15 s poll, brought it: " + total + " ms");
            } finally {
                SwarmFixture.docker("service", "scale", "--detach", SwarmFixture.WEB + "=2");
            }
        }
    }

    @Test
    @Order(5)
    void theWebPageShowsTheServicesAndAScaleWithoutReload() throws Exception {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        String key = "swarm-page-" + java.util.UUID.randomUUID();
        java.nio.file.Path profile = Files.createTempDirectory("scanopy-swarm-chromium");
        try (Daemon daemon = new Daemon(registry, List.of(TargetSpec.local(System.getenv())), Live.fast(DiscoveryOptions.defaults().withDetection(null)),
                     null, new io.scanopy.engine.live.DaemonMetrics(metrics, null), java.time.Clock.systemUTC());
             io.scanopy.server.DaemonServer server = new io.scanopy.server.DaemonServer(daemon.inventory(), metrics,
                     new io.scanopy.server.ServerSettings("127.0.0.1", 0, key, false))) {
            server.start();
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)));
            String web = service(cluster(daemon), SwarmFixture.WEB).id();
            org.openqa.selenium.WebDriver browser = DaemonWebPageTest.headlessChromium(profile);
            try {
                var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(server.url() + "?key=" + key);
                wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBe(org.openqa.selenium.By.id("stream"), "live"));
                String row = "#swarm tr[data-service-id='" + web + "']";
                // Read as text in one step (the table is redrawn on every change): service, mode, tasks running of replicas asked for.
                wait.until(d -> rowText(d, row).startsWith(SwarmFixture.WEB + " replicated 2 / 2"));
                String api = "#swarm tr[data-service-id='" + service(cluster(daemon), SwarmFixture.STACK_SERVICE).id() + "']";
                assertTrue(rowText(browser, api).startsWith(SwarmFixture.STACK_SERVICE + " replicated 1 / 1 " + SwarmFixture.STACK), rowText(browser, api));
                SwarmFixture.docker("service", "scale", "--detach", SwarmFixture.WEB + "=3");
                wait.until(d -> rowText(d, row).startsWith(SwarmFixture.WEB + " replicated 3 / 3"));
            } finally {
                browser.quit();
                SwarmFixture.docker("service", "scale", "--detach", SwarmFixture.WEB + "=2");
            }
        }
    }

    /** The cells of a row after the engine's, as one line; empty while the row is not there. */
    private static String rowText(org.openqa.selenium.WebDriver browser, String row) {
        Object text = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "const r = document.querySelector(arguments[0]); return r ? [...r.cells].slice(1).map(c => c.textContent).join(' ') : '';", row);
        return String.valueOf(text);
    }

    private static boolean isSwarmList(String path) {
        return path.equals("/nodes") || path.equals("/services") || path.equals("/tasks");
    }

    private static long swarmRequests(ProxyContainer counter) {
        return RequestLog.of(counter).stream().filter(r -> isSwarmList(r.path()) && !r.query().contains(io.scanopy.engine.capability.CapabilityNegotiator.PROBE_ID)).count();
    }

    private static SwarmCluster cluster(Daemon daemon) {
        return Optional.ofNullable(daemon.inventory().snapshot().inventory().engines().get(0).swarm()).orElseThrow(() -> new AssertionError("no cluster"));
    }

    private static List<SwarmCluster.Task> webTasks(Daemon daemon) {
        SwarmCluster cluster = cluster(daemon);
        String web = service(cluster, SwarmFixture.WEB).id();
        return cluster.tasks().stream().filter(t -> t.serviceId().equals(web)).toList();
    }
}
