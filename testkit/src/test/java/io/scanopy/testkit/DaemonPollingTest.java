package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.DaemonOptions;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Behind a Tecnativa proxy with {@code EVENTS=0} (everything else as {@code proxy-config} grants
 * it), the daemon cannot follow events: it says so, naming the setting, and polls the container
 * list instead, so a new container still shows within the poll interval.
 */
@RequiresDocker
class DaemonPollingTest {
    private static final Duration POLL = Duration.ofSeconds(1);

    @Test
    void eventsDeniedFallsBackToPollingAndSaysWhichSettingFollowsEvents() throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-poll-plugins"));
        Set<DockerEndpoint> noEvents = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EVENTS));
        Map<String, String> environment = registry.find("docker-proxy-tecnativa").orElseThrow().plugin().proxySetup(noEvents).orElseThrow().environment();
        assertEquals("0", environment.get("EVENTS"), "the plugin's own setup denies events: " + environment);
        ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment);
        TestContainer before = new TestContainer();
        TestContainer after = new TestContainer();
        Daemon daemon = null;
        try {
            before.start();
            proxy.start();
            DaemonOptions options = new DaemonOptions(DiscoveryOptions.defaults().withDetection(null), Duration.ZERO, POLL, Duration.ofSeconds(1),
                    Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2));
            daemon = Live.daemon(registry, new TargetSpec(URI.create(proxy.url()), null, null, Map.of()), options, null);
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
            Daemon d = daemon;
            Live.await(Duration.ofSeconds(5), () -> "polling state: " + Live.health(d), () -> Live.health(d).state() == TargetHealth.State.POLLING);
            TargetHealth health = Live.health(daemon);
            assertEquals("docker-proxy-tecnativa", health.plugin());
            assertTrue(health.message() != null && health.message().contains("EVENTS=1"), "the message names the setting: " + health.message());
            Live.awaitContainer(daemon, before.getContainerId(), c -> true, Duration.ofSeconds(5), "a container running before the daemon");

            after.start();
            long appeared = Live.await(Duration.ofSeconds(10), () -> "a container started while polling appears",
                    () -> Live.container(d, after.getContainerId()).isPresent());
            after.stopInPlace();
            long left = Live.await(Duration.ofSeconds(10), () -> "a container stopped while polling leaves",
                    () -> Live.container(d, after.getContainerId()).isEmpty());
            System.out.printf("DaemonPollingTest: poll %d ms; started container appeared after %d ms, stopped one left after %d ms; health: %s%n",
                    POLL.toMillis(), appeared, left, Live.health(daemon));
            // Within one poll interval plus the list and inspection that follow it (generous for a loaded machine).
            assertTrue(appeared <= POLL.toMillis() + 1500, "appeared within the poll interval: " + appeared + " ms");
            assertTrue(left <= POLL.toMillis() + 1500, "left within the poll interval: " + left + " ms");
            assertEquals(TargetHealth.State.POLLING, Live.health(daemon).state(), "still polling, not reconnecting");
        } finally {
            Live.closeAll(daemon, after, before, proxy, registry);
        }
    }
}
