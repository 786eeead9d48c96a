package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The proxy between the daemon and Docker dies and comes back on the same port: meanwhile the
 * target reconnects with backoff and its containers are kept, marked stale with when they were
 * last seen; after, one resync brings what changed while it was away, nothing lost, nothing twice,
 * no stale mark left.
 */
@RequiresDocker
class DaemonReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static int freeLoopbackPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<Container> ours(Daemon daemon, Set<String> ids) {
        return Live.containers(daemon).stream().filter(c -> ids.contains(c.id())).toList();
    }

    @Test
    void aProxyKilledAndStartedAgainLosesNothingAndDuplicatesNothing() throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-reconnect-plugins"));
        Map<String, String> environment = registry.find("docker-proxy-tecnativa").orElseThrow().plugin()
                .proxySetup(EnumSet.allOf(DockerEndpoint.class)).orElseThrow().environment();
        int port = freeLoopbackPort();
        ProxyContainer first = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment).onLoopbackPort(port);
        ProxyContainer second = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment).onLoopbackPort(port);
        TestContainer kept = new TestContainer();
        TestContainer stoppedWhileDown = new TestContainer();
        TestContainer startedWhileDown = new TestContainer();
        Daemon daemon = null;
        try {
            kept.start();
            stoppedWhileDown.start();
            first.start();
            String url = first.url();
            assertEquals("http://127.0.0.1:" + port, url);
            daemon = Live.daemon(registry, new TargetSpec(URI.create(url), null, null, Map.of()),
                    Live.fast(DiscoveryOptions.defaults().withDetection(null)), null);
            Daemon d = daemon;
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
            Live.await(WAIT, () -> "connected: " + Live.health(d), () -> Live.health(d).state() == TargetHealth.State.CONNECTED);
            Live.awaitContainer(daemon, kept.getContainerId(), c -> c.stale() == null, WAIT, "kept container, current");
            Live.awaitContainer(daemon, stoppedWhileDown.getContainerId(), c -> c.stale() == null, WAIT, "second container, current");
            int before = Live.containers(daemon).size();

            // The proxy dies (SIGKILL: no goodbye on the stream).
            Instant killedAt = Instant.now();
            DockerClientFactory.instance().client().killContainerCmd(first.getContainerId()).exec();
            long noticed = Live.await(WAIT, () -> "reconnecting after the proxy died: " + Live.health(d),
                    () -> Live.health(d).state() == TargetHealth.State.RECONNECTING);
            TargetHealth down = Live.health(daemon);
            assertNotNull(down.message(), down.toString());
            Container staleKept = Live.awaitContainer(daemon, kept.getContainerId(), c -> Boolean.TRUE.equals(c.stale()), WAIT,
                    "the container is kept, marked stale");
            assertNotNull(staleKept.lastSeen(), "stale with the time it was last seen");
            assertFalse(staleKept.lastSeen().isAfter(killedAt), "last seen before the proxy died: " + staleKept.lastSeen() + " vs " + killedAt);
            assertEquals(before, Live.containers(daemon).size(), "every container kept while the target is unreachable");
            assertTrue(Live.containers(daemon).stream().allMatch(c -> Boolean.TRUE.equals(c.stale())), "all of the target's containers are stale");

            // Meanwhile the engine changes.
            startedWhileDown.start();
            stoppedWhileDown.stopInPlace();
            Thread.sleep(1_500);
            assertTrue(Live.container(daemon, startedWhileDown.getContainerId()).isEmpty(), "nothing can be learnt while the proxy is down");
            assertEquals(TargetHealth.State.RECONNECTING, Live.health(daemon).state(), Live.health(daemon).toString());

            // The proxy comes back at the same address.
            first.stop();
            second.start();
            assertEquals(url, second.url(), "the same address");
            long back = Live.await(WAIT, () -> "connected again: " + Live.health(d), () -> Live.health(d).state() == TargetHealth.State.CONNECTED);
            Live.awaitContainer(daemon, startedWhileDown.getContainerId(), c -> c.stale() == null, WAIT, "the container started while down appears");
            Live.awaitGone(daemon, stoppedWhileDown.getContainerId(), WAIT, "the container stopped while down leaves");
            Container current = Live.awaitContainer(daemon, kept.getContainerId(), c -> c.stale() == null, WAIT, "the kept container is current again");
            assertNull(current.lastSeen(), "no last-seen time once current");
            List<Container> all = Live.containers(daemon);
            Set<String> ids = new HashSet<>();
            all.forEach(c -> assertTrue(ids.add(c.id()), "listed twice: " + c.id()));
            assertEquals(List.of(), all.stream().filter(c -> c.stale() != null || c.lastSeen() != null).map(Container::displayName).toList(),
                    "no stale mark left");
            assertEquals(2, ours(daemon, Set.of(kept.getContainerId(), startedWhileDown.getContainerId(), stoppedWhileDown.getContainerId())).size());
            assertEquals(1, daemon.inventory().health().size());
            System.out.printf("DaemonReconnectTest: proxy death noticed after %d ms; reconnected %d ms after the new proxy started; health %s%n",
                    noticed, back, Live.health(daemon));
        } finally {
            Live.closeAll(daemon, second, first, startedWhileDown, stoppedWhileDown, kept, registry);
        }
    }
}
