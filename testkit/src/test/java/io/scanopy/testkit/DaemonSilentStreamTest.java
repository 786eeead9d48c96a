package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.fault.StallingRelay;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The daemon's event stream has no read deadline, so a stream that goes silent without closing
 * must be found by the liveness check: here a relay in front of the real socket (a fault
 * injector, {@link StallingRelay}) stops passing bytes — everything, or everything but
 * {@code /_ping} — and the daemon leaves CONNECTED within one liveness interval plus the target
 * timeout, then reconnects when the relay passes bytes again and sees what changed meanwhile.
 */
@RequiresDocker
class DaemonSilentStreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LIVENESS = Duration.ofSeconds(1);
    private static final Duration SLACK = Duration.ofSeconds(3);

    @ParameterizedTest(name = "stalled: {0}")
    @EnumSource(value = StallingRelay.Mode.class, names = {"NOTHING", "ALL_BUT_PING"})
    void aSilentDeadStreamIsFoundAndReconnected(StallingRelay.Mode stall) throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-silent-plugins"));
        try (StallingRelay relay = StallingRelay.start(Path.of("/var/run/docker.sock"));
             Daemon daemon = Live.daemon(registry, new TargetSpec(URI.create(relay.url()), null, null, Map.of()),
                     Live.fast(DiscoveryOptions.defaults().withDetection(null).withTargetTimeout(TIMEOUT)), null)) {
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)));
            Live.await(Duration.ofSeconds(10), () -> "connected: " + Live.health(daemon), () -> Live.health(daemon).state() == TargetHealth.State.CONNECTED);

            relay.stall(stall);
            long took = Live.await(LIVENESS.plus(TIMEOUT).plus(SLACK), () -> "the silent stream found: " + Live.health(daemon),
                    () -> Live.health(daemon).state() != TargetHealth.State.CONNECTED);
            System.out.println("| stream silent, " + stall + " | daemon | - | " + took + " ms | " + Live.health(daemon).state() + ": " + Live.health(daemon).message() + " |");

            relay.stall(StallingRelay.Mode.FORWARD);
            try (TestContainer meanwhile = new TestContainer()) {
                meanwhile.start();
                Live.awaitContainer(daemon, meanwhile.getContainerId(), c -> c.stale() == null, Duration.ofSeconds(20), "a container started after the stall appears");
                Live.await(Duration.ofSeconds(10), () -> "connected again: " + Live.health(daemon), () -> Live.health(daemon).state() == TargetHealth.State.CONNECTED);
            }
        } finally {
            registry.close();
        }
    }
}
