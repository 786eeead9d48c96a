package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A proxy that closes idle client connections after a second (HAProxy's {@code timeout
 * http-keep-alive}; many proxies keep idle connections only briefly) must not cost the daemon a
 * failed request, a reconnect or a re-list: a pooled connection the proxy has closed is noticed
 * before it is reused. The liveness check runs every second, so it reuses a connection the proxy
 * may just have closed; the burst of inspections after the idle spell reuses the others.
 */
@RequiresDocker
class DaemonIdleConnectionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void connectionsTheProxyClosedWhileIdleAreNotUsedAgain() throws Exception {
        List<AutoCloseable> cleanup = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(6);
        try (PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"),
                Files.createTempDirectory("scanopy-idle-plugins"))) {
            ProxyContainer proxy = new ProxyContainer(ProxyImages.counting(), 2375, "http").withProxyEnvironment(Map.of("KEEP_ALIVE_TIMEOUT", "1s"));
            cleanup.add(proxy);
            proxy.start();
            Daemon daemon = Live.daemon(registry, new TargetSpec(URI.create(proxy.url()), null, null, Map.of()),
                    Live.fast(DiscoveryOptions.defaults().withDetection(null)), null);
            cleanup.add(daemon);
            daemon.start();
            assertTrue(daemon.awaitFirstSync(WAIT), "first sync: " + daemon.inventory().health());
            Live.await(WAIT, () -> "connected: " + Live.health(daemon), () -> Live.health(daemon).state() == TargetHealth.State.CONNECTED);

            // Idle past the proxy's keep-alive, pings aside, then a burst of starts: several inspections at once.
            Thread.sleep(3_500);
            List<Future<TestContainer>> starts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TestContainer c = new TestContainer();
                cleanup.add(c);
                starts.add(starter.submit(() -> {
                    c.start();
                    return c;
                }));
            }
            for (Future<TestContainer> start : starts) {
                TestContainer c = start.get();
                Live.awaitContainer(daemon, c.getContainerId(), x -> "running".equals(x.state()), WAIT, "started after the idle spell");
            }
            // More idle spells with pings in between: the target never leaves CONNECTED.
            for (int i = 0; i < 3; i++) {
                Thread.sleep(1_500);
                assertEquals(TargetHealth.State.CONNECTED, Live.health(daemon).state(), () -> "after an idle spell: " + Live.health(daemon));
            }
            // The capability check's list (limit=1) aside, the first sync's is the only one.
            long lists = RequestLog.of(proxy).stream().filter(r -> r.isContainerList() && !r.query().contains("limit=1")).count();
            assertEquals(1, lists, "one container list (the first sync): no reconnect, no re-list; requests: " + RequestLog.of(proxy));
        } finally {
            starter.shutdownNow();
            java.util.Collections.reverse(cleanup);
            Live.closeAll(cleanup.toArray(new AutoCloseable[0]));
        }
    }
}
