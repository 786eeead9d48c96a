package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A proxy that cuts an idle {@code GET /events} stream (here HAProxy with a 2 s server timeout;
 * in the wild, a proxy's 10-minute one): the daemon reconnects each time, replays what it
 * missed, and loses, duplicates or leaves stale nothing.
 */
@RequiresDocker
class DaemonStreamCutTest {

    @Test
    void aStreamCutEveryTwoSecondsLosesNothing() throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-cut-plugins"));
        try (TestContainer before = new TestContainer();
             ProxyContainer proxy = new ProxyContainer(ProxyImages.counting(), 2375, "http")) {
            before.start();
            proxy.withEnv("SERVER_TIMEOUT", "2s");
            proxy.start();
            try (Daemon daemon = Live.daemon(registry, new TargetSpec(URI.create(proxy.url()), null, null, Map.of()),
                    Live.fast(DiscoveryOptions.defaults().withDetection(null)), null)) {
                daemon.start();
                assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)));
                // At least two cuts, then a change while the stream may be down or just back.
                Live.await(Duration.ofSeconds(20), () -> "two event streams cut by the proxy: " + RequestLog.tally(RequestLog.of(proxy)),
                        () -> RequestLog.of(proxy).stream().filter(r -> r.path().equals("/events") && !r.query().contains("until=")).count() >= 2);
                try (TestContainer during = new TestContainer()) {
                    during.start();
                    Live.awaitContainer(daemon, during.getContainerId(), c -> true, Duration.ofSeconds(10), "a container started across the cuts appears");
                    Live.await(Duration.ofSeconds(10), () -> "connected again: " + Live.health(daemon),
                            () -> Live.health(daemon).state() == TargetHealth.State.CONNECTED);
                    List<Container> containers = Live.containers(daemon);
                    assertEquals(containers.size(), containers.stream().map(Container::id).distinct().count(), "no container twice");
                    for (String id : List.of(before.getContainerId(), during.getContainerId())) {
                        Container c = Live.container(daemon, id).orElseThrow(() -> new AssertionError("lost across the cuts: " + id));
                        assertNull(c.stale(), "not stale once reconnected: " + c);
                    }
                }
            }
        } finally {
            registry.close();
        }
    }
}
