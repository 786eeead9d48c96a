package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.DaemonOptions;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Steady state costs no exec, even across full resyncs and for containers whose probe found
 * little (no shell, no HTTP client): those results are not cached by the detector, so the
 * daemon itself must remember that the start was probed.
 */
@RequiresDocker
class DaemonSteadyStateTest {

    @Test
    void resyncsProbeNothingAgainWhateverTheFirstProbeFound() throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-steady-plugins"));
        try (TestContainer withShell = new TestContainer().servingHttp(8080);
             TestContainer noShell = new TestContainer(TestImages.minimal("scanopy-testkit/no-shell:1", List.of("httpd", "cat")))
                     .withCommand("/bin/busybox", "httpd", "-f", "-p", "8082");
             TestContainer noClient = new TestContainer(TestImages.minimal("scanopy-testkit/no-client:1", List.of("httpd", "cat", "head", "od", "tr"), Path.of("/bin/dash")))
                     .withCommand("/bin/httpd", "-f", "-p", "8083");
             TestContainer hidden = new TestContainer().withLabel("scanopy.ignore", "true");
             ServiceDetector detector = Live.detector()) {
            hidden.start();
            withShell.start();
            noShell.start();
            noClient.start();
            List<String> ours = List.of(withShell.getContainerId(), noShell.getContainerId(), noClient.getContainerId());
            EngineEventLog first = new EngineEventLog();
            // A full resync every second: each would probe again if the daemon forgot what it probed.
            DaemonOptions options = new DaemonOptions(DiscoveryOptions.defaults(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2));
            try (Daemon daemon = Live.daemon(registry, TargetSpec.local(Map.of()), options, detector)) {
                daemon.start();
                assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(60)));
                Live.await(Duration.ofSeconds(60), () -> "each of the three probed", () -> {
                    try {
                        Map<String, Integer> execs = first.execCreates();
                        return ours.stream().allMatch(id -> execs.getOrDefault(id, 0) >= 1);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Live.await(Duration.ofSeconds(10), () -> "the no-shell probe's limit is a note of the engine",
                        () -> daemon.inventory().snapshot().inventory().engines().get(0).notes().stream()
                                .anyMatch(n -> n.code().equals("probe-limited") && noShell.getContainerId().equals(n.subject()) && n.message().contains("no shell")));
                // Hidden from the inventory, named in a note of the engine.
                String hiddenName = hidden.getContainerName().substring(1);
                Live.await(Duration.ofSeconds(10), () -> "the hidden container is named: " + daemon.inventory().snapshot().inventory().engines().get(0).notes(),
                        () -> daemon.inventory().snapshot().inventory().engines().get(0).notes().stream()
                                .anyMatch(n -> n.code().equals("hidden") && List.of(n.subject().split(",")).contains(hiddenName) && n.message().contains(hiddenName)));
                assertTrue(Live.container(daemon, hidden.getContainerId()).isEmpty(), "a container labelled scanopy.ignore=true is not listed");
                Thread.sleep(1_500);
                EngineEventLog steady = new EngineEventLog();
                Thread.sleep(4_000);
                Map<String, Integer> steadyExecs = steady.execCreates();
                for (String id : ours) {
                    assertEquals(0, steadyExecs.getOrDefault(id, 0), "no exec on an unchanged container across ~4 full resyncs: " + steadyExecs);
                }
            }
        } finally {
            registry.close();
        }
    }
}
