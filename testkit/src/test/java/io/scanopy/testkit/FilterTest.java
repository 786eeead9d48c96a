package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.ProxySetup;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;

/**
 * {@code --filter} on a real engine: containers of ours with labels, names and networks, and
 * exactly those the engine's filter matches are discovered and probed — directly, through each
 * proxy replica (the {@code filters} parameter passes them unchanged), and by the daemon
 * following events, where a container outside the filter never enters and one that joins the
 * filtered network does. Every container carries a label unique to this run, so others' are
 * never matched.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilterTest {
    private static final String KEY = "io.scanopy.test.filter";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final String run = "sf" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final Map<String, String> letters = new LinkedHashMap<>();
    private PluginRegistry registry;
    private String network;
    private String networkName;
    private TestContainer web1;
    private TestContainer db;
    private TestContainer web2;
    private TestContainer other;

    @BeforeAll
    void startContainers() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-filter-plugins"));
        network = Live.createNetwork("scanopy-filter");
        cleanup.add(() -> Live.removeNetwork(network));
        networkName = docker.inspectNetworkCmd().withNetworkId(network).exec().getName();
        web1 = started("web1", Map.of("tier", "web"), true);
        db = started(new TestContainer(TestImages.lockedBusybox()), "db", Map.of("tier", "db"), false);
        web2 = started("web2", Map.of("tier", "web"), false);
        other = started("other", Map.of(), true);
    }

    @AfterAll
    void stop() {
        List<AutoCloseable> reversed = new ArrayList<>(cleanup);
        java.util.Collections.reverse(reversed);
        Live.closeAll(reversed.toArray(new AutoCloseable[0]));
        Live.closeAll(registry);
    }

    /** A busybox container of this run, named RUN-NAME, on our network or not. */
    private TestContainer started(String name, Map<String, String> labels, boolean onNetwork) {
        return started(new TestContainer(), name, labels, onNetwork);
    }

    private TestContainer started(TestContainer c, String name, Map<String, String> labels, boolean onNetwork) {
        c.withLabel(KEY, run);
        labels.forEach(c::withLabel);
        cleanup.add(c);
        c.start();
        docker.renameContainerCmd(c.getContainerId()).withName(run + "-" + name).exec();
        if (onNetwork) {
            docker.connectToNetworkCmd().withNetworkId(network).withContainerId(c.getContainerId()).exec();
        }
        letters.put(c.getContainerId(), name);
        return c;
    }

    private ContainerFilter filter(String... values) throws ConfigurationException {
        return ContainerFilter.parse(List.of(values));
    }

    /** Our containers among those discovered, by name. */
    private Set<String> ours(List<Container> containers) {
        Set<String> names = new TreeSet<>();
        containers.stream().filter(c -> run.equals(c.labels().get(KEY))).forEach(c -> names.add(letters.getOrDefault(c.id(), c.id())));
        return names;
    }

    private Set<String> discovered(TargetSpec target, DiscoveryOptions options) {
        DiscoveryResult result = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC()).discover(List.of(target), options);
        assertEquals(List.of(), result.failures(), "discovery of " + target.label());
        return ours(result.inventory().engines().stream().flatMap(e -> e.containers().stream()).toList());
    }

    private static Set<String> names(String... names) {
        return new TreeSet<>(List.of(names));
    }

    /** Same key: labels all required, names or networks any one; different keys: all — as the engine decides, Docker and Podman alike. */
    private Map<List<String>, Set<String>> cases() {
        Map<List<String>, Set<String>> cases = new LinkedHashMap<>();
        cases.put(List.of("label=" + KEY + "=" + run, "label=tier=web"), names("web1", "web2"));
        cases.put(List.of("label=" + KEY + "=" + run, "label=tier"), names("db", "web1", "web2"));
        cases.put(List.of("label=" + KEY + "=" + run, "name=" + run + "-web1", "name=" + run + "-db"), names("db", "web1"));
        cases.put(List.of("label=" + KEY + "=" + run, "network=" + networkName), names("other", "web1"));
        cases.put(List.of("label=" + KEY + "=" + run, "network=" + networkName, "name=" + run + "-web"), names("web1"));
        // The only one of another image (Podman matches an image only by the full name it reports).
        cases.put(List.of("label=" + KEY + "=" + run, "ancestor=" + EngineUnderTest.imageAsReported(TestImages.lockedBusybox())), names("db"));
        // Anchored without Docker's leading slash: Docker matches the name with and without it, Podman only without.
        cases.put(List.of("name=^" + run + "-web2$"), names("web2"));
        return cases;
    }

    @Test
    void exactlyTheMatchingContainersAreDiscovered() throws Exception {
        TargetSpec local = TargetSpec.local(EngineUnderTest.environment());
        for (Map.Entry<List<String>, Set<String>> c : cases().entrySet()) {
            ContainerFilter filter = ContainerFilter.parse(c.getKey());
            assertEquals(c.getValue(), discovered(local, DiscoveryOptions.defaults().withDetection(null).withFilter(filter)), "--filter " + filter);
        }
        assertEquals(names("db", "other", "web1", "web2"), discovered(local, DiscoveryOptions.defaults().withDetection(null)), "no filter: all of ours");
    }

    /**
     * The execs this discovery asked for, per container: counted where it asks (a request-counting
     * proxy in front of the engine), as other clients of a shared engine probe too.
     */
    private Map<String, Integer> execsAsked(ProxyContainer counting, List<String> ids) {
        Map<String, Integer> asked = new LinkedHashMap<>();
        for (String id : ids) {
            asked.put(letters.get(id), (int) RequestLog.of(counting).stream().filter(r -> r.method().equals("POST") && r.path().equals("/containers/" + id + "/exec")).count());
        }
        return asked;
    }

    private List<String> ids(TestContainer... containers) {
        return new ArrayList<>(java.util.Arrays.stream(containers).map(TestContainer::getContainerId).toList());
    }

    private ProxyContainer counting() {
        ProxyContainer proxy = new ProxyContainer(ProxyImages.counting(), 2375, "http");
        cleanup.add(proxy);
        proxy.start();
        return proxy;
    }

    private static TargetSpec through(ProxyContainer proxy) {
        return new TargetSpec(URI.create(proxy.url()), null, null, Map.of());
    }

    @Test
    @Tag("socket-proxy") // counted at a proxy that mounts Docker's socket
    void onlyTheMatchingContainersAreProbed() throws Exception {
        ProxyContainer counting = counting();
        DiscoveryOptions options = DiscoveryOptions.defaults().withFilter(filter("label=" + KEY + "=" + run, "label=tier=web"));
        assertEquals(names("web1", "web2"), discovered(through(counting), options));
        assertEquals(Map.of("web1", 1, "db", 0, "web2", 1, "other", 0), execsAsked(counting, ids(web1, db, web2, other)), "execs asked per container");
    }

    @Test
    @Tag("socket-proxy") // the proxies mount Docker's socket: not part of the Podman execution
    void theFiltersPassEachProxyUnchanged() throws Exception {
        Set<DockerEndpoint> readOnly = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT));
        ProxySetup linuxserver = setup("docker-proxy-linuxserver", readOnly);
        List<String> wollomaticFlags = setup("docker-proxy-wollomatic", readOnly).command().stream()
                .map(f -> f.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : f).toList();
        Map<String, ProxyContainer> proxies = new LinkedHashMap<>();
        proxies.put("tecnativa", new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(setup("docker-proxy-tecnativa", readOnly).environment()));
        proxies.put("linuxserver", new ProxyContainer(ProxyImages.linuxserver(), linuxserver.port(), "http").readOnlyRoot(linuxserver.tmpfs())
                .withProxyEnvironment(linuxserver.environment()));
        proxies.put("wollomatic", new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(wollomaticFlags));
        for (Map.Entry<String, ProxyContainer> proxy : proxies.entrySet()) {
            try (ProxyContainer p = proxy.getValue()) {
                p.start();
                TargetSpec target = new TargetSpec(URI.create(p.url()), null, null, Map.of());
                for (Map.Entry<List<String>, Set<String>> c : cases().entrySet()) {
                    ContainerFilter filter = ContainerFilter.parse(c.getKey());
                    assertEquals(c.getValue(), discovered(target, DiscoveryOptions.defaults().withDetection(null).withFilter(filter)),
                            proxy.getKey() + ": --filter " + filter);
                }
            }
        }
    }

    private ProxySetup setup(String pluginId, Set<DockerEndpoint> allowed) {
        return registry.find(pluginId).orElseThrow().plugin().proxySetup(allowed).orElseThrow();
    }

    /**
     * A daemon with {@code label=OURS network=OUR-NETWORK}: the first list is filtered; a container
     * started outside never enters; one that joins the network enters, and leaves with it.
     *
     * @return the ids of the containers started here, outside and joiner (removed by then)
     */
    private List<String> followsOnlyTheMatchingContainers(TargetSpec target) throws Exception {
        ContainerFilter filter = filter("label=" + KEY + "=" + run, "network=" + networkName);
        try (ServiceDetector detector = Live.detector();
                Daemon daemon = Live.daemon(registry, target, Live.fast(DiscoveryOptions.defaults().withFilter(filter)), detector)) {
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
            assertEquals(names("other", "web1"), ours(Live.containers(daemon)), "the first list, filtered");

            TestContainer outside = started("outside", Map.of(), false);
            TestContainer joiner = started("joiner", Map.of(), false);
            try {
                docker.connectToNetworkCmd().withNetworkId(network).withContainerId(joiner.getContainerId()).exec();
                Live.awaitContainer(daemon, joiner.getContainerId(), x -> true, WAIT, "a container that joined the filtered network appears");
                // Events apply in order: the outside container's (earlier) are applied by now.
                assertEquals(names("joiner", "other", "web1"), ours(Live.containers(daemon)), "the outside container never entered");
                // Its probe starts once it is in: wait (bounded) for it, so what was asked can be counted.
                Live.await(Duration.ofSeconds(30), () -> "the joiner is probed", () -> detector.execsTotal() >= 3);

                docker.disconnectFromNetworkCmd().withNetworkId(network).withContainerId(joiner.getContainerId()).exec();
                Live.awaitGone(daemon, joiner.getContainerId(), WAIT, "a container that left the filtered network leaves");
                Thread.sleep(500);
                assertEquals(3, detector.execsTotal(), "one exec per container that matched: web1, other, joiner");
                return ids(outside, joiner);
            } finally {
                outside.stop();
                joiner.stop();
            }
        }
    }

    @Test
    void theDaemonFollowsOnlyTheMatchingContainers() throws Exception {
        followsOnlyTheMatchingContainers(TargetSpec.local(EngineUnderTest.environment()));
    }

    @Test
    @Tag("socket-proxy") // counted at a proxy that mounts Docker's socket
    void theDaemonProbesOnlyTheMatchingContainers() throws Exception {
        ProxyContainer counting = counting();
        List<String> all = ids(web1, db, web2, other);
        all.addAll(followsOnlyTheMatchingContainers(through(counting)));
        assertEquals(Map.of("web1", 1, "db", 0, "web2", 0, "other", 1, "outside", 0, "joiner", 1), execsAsked(counting, all),
                "execs asked per container");
    }
}
