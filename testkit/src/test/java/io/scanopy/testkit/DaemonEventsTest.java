package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.testkit.RequestLog.Request;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The daemon follows the local engine through {@code GET /events}: each change shows in its
 * inventory, and costs an inspection of the container the event names, never a new list. A
 * request-counting HAProxy in front of the real socket logs what the daemon asked; the engine's
 * own event log says which containers had events, and how many execs were made.
 */
@RequiresDocker
class DaemonEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private PluginRegistry registry;

    @BeforeEach
    void plugins() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-live-plugins"));
    }

    @AfterEach
    void cleanUp() {
        // Daemons first (added last), then containers and networks, then the plugins.
        List<AutoCloseable> reversed = new ArrayList<>(cleanup);
        java.util.Collections.reverse(reversed);
        Live.closeAll(reversed.toArray(new AutoCloseable[0]));
        Live.closeAll(registry);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        cleanup.add(closeable);
        return closeable;
    }

    private TestContainer started(TestContainer c) {
        track(c).start();
        return c;
    }

    private ProxyContainer countingProxy() {
        ProxyContainer proxy = track(new ProxyContainer(ProxyImages.counting(), 2375, "http"));
        proxy.start();
        return proxy;
    }

    private static TargetSpec target(ProxyContainer proxy) {
        return new TargetSpec(URI.create(proxy.url()), null, null, Map.of());
    }

    @Test
    void eachChangeShowsAndCostsOnlyAnInspectionOfWhatTheEventNames() throws Exception {
        String network = Live.createNetwork("scanopy-live");
        track(() -> Live.removeNetwork(network));
        String networkName = docker.inspectNetworkCmd().withNetworkId(network).exec().getName();
        TestContainer a = started(new TestContainer());
        TestContainer b = started(new TestContainer());
        ProxyContainer proxy = countingProxy();
        ServiceDetector detector = track(Live.detector());
        EngineEventLog firstDetection = new EngineEventLog();
        Daemon daemon = track(Live.daemon(registry, target(proxy), Live.fast(DiscoveryOptions.defaults()), detector));
        daemon.start();
        assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
        // The first sync is counted just before the state is set: wait (bounded) for it.
        Live.await(WAIT, () -> "connected: " + Live.health(daemon), () -> Live.health(daemon).state() == TargetHealth.State.CONNECTED);
        Live.awaitContainer(daemon, a.getContainerId(), c -> true, WAIT, "a container running before the daemon started");

        // The first detection probes each of ours once (the engine counts the execs), then steady state costs nothing.
        Live.await(Duration.ofSeconds(60), () -> "first detection of the two containers and the end of that detection run",
                () -> {
                    try {
                        Map<String, Integer> execs = firstDetection.execCreates();
                        return execs.getOrDefault(a.getContainerId(), 0) >= 1 && execs.getOrDefault(b.getContainerId(), 0) >= 1 && detector.execsTotal() > 0;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Map<String, Integer> initialExecs = firstDetection.execCreates();
        assertEquals(1, initialExecs.get(a.getContainerId()), "first detection probes each container once: " + initialExecs);
        assertEquals(1, initialExecs.get(b.getContainerId()), "first detection probes each container once: " + initialExecs);
        int execsAfterDetection = detector.execsTotal();
        EngineEventLog steady = new EngineEventLog();
        Thread.sleep(4_000);
        Map<String, Integer> steadyExecs = steady.execCreates();
        assertEquals(0, steadyExecs.getOrDefault(a.getContainerId(), 0) + steadyExecs.getOrDefault(b.getContainerId(), 0),
                "steady state: no exec on unchanged containers, engine saw " + steadyExecs);
        assertEquals(execsAfterDetection, detector.execsTotal(), "steady state: the daemon started no exec anywhere");

        // From here on, only what events name may be asked for.
        Thread.sleep(300);
        int mark = RequestLog.of(proxy).size();
        EngineEventLog window = new EngineEventLog();

        TestContainer c = started(new TestContainer());
        String id = c.getContainerId();
        long appeared = Live.await(WAIT, () -> "started container appears", () -> Live.container(daemon, id).isPresent());

        String renamed = "scanopy-live-renamed-" + UUID.randomUUID().toString().substring(0, 8);
        docker.renameContainerCmd(id).withName(renamed).exec();
        Live.awaitContainer(daemon, id, x -> x.names().equals(List.of(renamed)), WAIT, "renamed container shows its new name");

        docker.connectToNetworkCmd().withNetworkId(network).withContainerId(id).exec();
        Container connected = Live.awaitContainer(daemon, id, x -> x.networks().stream().anyMatch(n -> n.networkName().equals(networkName)
                && n.ipAddress() != null && !n.ipAddress().isEmpty()), WAIT, "the new network attachment, with its address, shows");
        assertEquals(2, connected.networks().size(), connected.networks().toString());

        c.stopInPlace();
        Live.awaitGone(daemon, id, WAIT, "a stopped container leaves the inventory (running only by default)");

        TestContainer d = started(new TestContainer());
        String destroyedId = d.getContainerId();
        Live.awaitContainer(daemon, destroyedId, x -> true, WAIT, "second started container appears");
        docker.removeContainerCmd(destroyedId).withForce(true).exec();
        long gone = Live.await(WAIT, () -> "a destroyed container leaves", () -> Live.container(daemon, destroyedId).isEmpty());

        // A restart is a new start: probed again, exactly once.
        Instant startedBefore = Live.container(daemon, a.getContainerId()).orElseThrow().started();
        EngineEventLog restartExecs = new EngineEventLog();
        docker.restartContainerCmd(a.getContainerId()).withTimeout(1).exec();
        Live.awaitContainer(daemon, a.getContainerId(), x -> x.started() != null && x.started().isAfter(startedBefore), WAIT,
                "the restarted container shows its new start time");
        Live.await(Duration.ofSeconds(30), () -> "the restarted container is probed", () -> {
            try {
                return restartExecs.execCreates().getOrDefault(a.getContainerId(), 0) >= 1;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2_000);
        assertEquals(1, restartExecs.execCreates().getOrDefault(a.getContainerId(), 0), "a restarted container is probed exactly once");

        Thread.sleep(500);
        List<Request> all = RequestLog.of(proxy);
        List<Request> after = all.subList(mark, all.size());
        Map<String, Integer> named = window.containersNamed();
        System.out.printf("DaemonEventsTest: appeared after %d ms, destroyed gone after %d ms; requests after the first sync: %s%n", appeared, gone,
                RequestLog.tally(after));
        assertTrue(all.subList(0, mark).stream().anyMatch(r -> r.isContainerList() && !r.query().contains("limit=1")),
                "the counter saw the first sync's list: " + RequestLog.tally(all.subList(0, mark)));
        assertEquals(List.of(), after.stream().filter(Request::isContainerList).toList(), "no container list after the first sync");
        Map<String, Long> inspections = after.stream().map(Request::inspected).filter(java.util.Objects::nonNull)
                .collect(Collectors.groupingBy(x -> x, Collectors.counting()));
        for (Map.Entry<String, Long> inspected : inspections.entrySet()) {
            int events = named.getOrDefault(inspected.getKey(), 0);
            assertTrue(inspected.getValue() <= events, "inspected " + inspected.getKey() + " " + inspected.getValue() + " times for " + events
                    + " event(s) naming it; inspections " + inspections + ", events " + named);
        }
        assertTrue(inspections.getOrDefault(id, 0L) >= 4, "each change of the container was inspected: " + inspections);
        assertTrue(inspections.containsKey(a.getContainerId()), "the restart was inspected: " + inspections);
        assertEquals(Set.of(), Set.copyOf(after.stream().map(Request::path).filter(p -> p.startsWith("/containers/") && p.endsWith("/json") && !p.equals("/containers/json"))
                .map(p -> p.substring("/containers/".length(), p.length() - "/json".length())).filter(x -> !named.containsKey(x)).toList()),
                "no inspection of a container no event named");
    }

    @Test
    void aContainerIsProbedOncePerStartWhateverEventsComeWhileItsProbeRuns() throws Exception {
        // Listeners that accept and never answer: the probe outlasts its 4 s exec timeout, so its result is
        // "limited" and not cached; only the daemon's own bookkeeping can stop a second probe of the same start.
        TestContainer slow = started(new TestContainer().withCommand("sh", "-c",
                "for p in 9000 9001 9002 9003 9004 9005; do nc -ll -p $p -e sleep 600 & done; wait"));
        ServiceDetector detector = track(Live.detector());
        DetectionOptions shortProbe = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(4), Duration.ofSeconds(120));
        EngineEventLog execs = new EngineEventLog();
        Daemon daemon = track(Live.daemon(registry, TargetSpec.local(EngineUnderTest.environment()), Live.fast(DiscoveryOptions.defaults().withDetection(shortProbe)), detector));
        daemon.start();
        assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
        Live.await(Duration.ofSeconds(30), () -> "the slow container's probe starts", () -> {
            try {
                return execs.execCreates().getOrDefault(slow.getContainerId(), 0) >= 1;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long probeSeen = System.nanoTime();
        // Events that change nothing about the start (a rename, a network connect) while the probe runs.
        String renamed = "scanopy-live-slow-" + UUID.randomUUID().toString().substring(0, 8);
        docker.renameContainerCmd(slow.getContainerId()).withName(renamed).exec();
        Live.awaitContainer(daemon, slow.getContainerId(), x -> x.names().equals(List.of(renamed)), WAIT, "renamed while its probe runs");
        String network = Live.createNetwork("scanopy-live-slow");
        track(() -> Live.removeNetwork(network));
        docker.connectToNetworkCmd().withNetworkId(network).withContainerId(slow.getContainerId()).exec();
        Live.awaitContainer(daemon, slow.getContainerId(), x -> x.networks().size() == 2, WAIT, "connected while its probe runs");
        // Past the first probe's 4 s timeout and long enough for a second one to have started.
        Thread.sleep(Math.max(0, 7_000 - (System.nanoTime() - probeSeen) / 1_000_000));
        assertEquals(1, execs.execCreates().getOrDefault(slow.getContainerId(), 0), "one probe per start, not one more per event that came while it ran");
    }

    @Test
    void aDestroyedContainerLeavesAtOnceWithoutAnInspection() throws Exception {
        // Stopped containers kept (--all), so only the destroy event can take this one out.
        TestContainer stopped = started(new TestContainer());
        stopped.stopInPlace();
        ProxyContainer proxy = countingProxy();
        Daemon daemon = track(Live.daemon(registry, target(proxy), Live.fast(DiscoveryOptions.defaults().withIncludeStopped(true).withDetection(null)), null));
        daemon.start();
        assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
        Live.awaitContainer(daemon, stopped.getContainerId(), x -> "exited".equals(x.state()), WAIT, "the stopped container is listed with --all");
        Thread.sleep(300);
        int mark = RequestLog.of(proxy).size();
        docker.removeContainerCmd(stopped.getContainerId()).exec();
        long ms = Live.await(WAIT, () -> "the destroyed container leaves", () -> Live.container(daemon, stopped.getContainerId()).isEmpty());
        Thread.sleep(500);
        List<Request> after = RequestLog.of(proxy).subList(mark, RequestLog.of(proxy).size());
        System.out.printf("DaemonEventsTest: destroyed container gone after %d ms; requests: %s%n", ms, RequestLog.tally(after));
        // Other containers on the engine may have events of their own meanwhile: only this one's requests count.
        assertEquals(List.of(), after.stream().filter(r -> r.isContainerList() || stopped.getContainerId().equals(r.inspected())).toList(),
                "destroy needs neither a list nor an inspection of the destroyed container");
    }
}
