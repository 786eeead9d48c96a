package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The published-port prober reads at most its cap, within its time: a real container whose
 * published port answers with a body that never ends, or one byte at a time, is probed in
 * about a second, never for as long as the detection deadline, and never into memory.
 */
@RequiresDocker
class PublishedPortBoundsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "endless body | yes '<p>scanopy</p>'",
            "slow body    | while true; do printf x; sleep 1; done",
    })
    void aPublishedPortThatNeverStopsTalkingIsProbedWithinItsBounds(String what, String body) throws Exception {
        String serve = "while true; do { printf 'HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n'; " + body + "; } | nc -l -p 8080; done";
        try (TestContainer talker = new TestContainer().publishedOnLoopback(8080).withCommand("sh", "-c", serve);
             PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-ports"))) {
            talker.start();
            Duration deadline = Duration.ofSeconds(60);
            DetectionOptions detection = new DetectionOptions(false, DetectionOptions.ExecPolicy.ALWAYS, true, 4, Duration.ofSeconds(4), deadline);
            long start = System.nanoTime();
            DiscoveryResult result = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC())
                    .discover(List.of(TargetSpec.local(Map.of())), DiscoveryOptions.defaults().withDetection(detection));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("| published port, " + what + " | discover --probe-published-ports | - | " + took.toMillis() + " ms | probed |");
            assertEquals(List.of(), result.failures());
            Container c = result.inventory().engines().get(0).containers().stream().filter(x -> x.id().equals(talker.getContainerId())).findFirst().orElseThrow();
            // The deadline's note names the containers it cut short: this one must not be among them (others on the shared engine are not judged).
            String name = talker.getContainerName().substring(1);
            assertTrue(result.inventory().engines().get(0).notes().stream()
                            .noneMatch(n -> n.code().equals("detection-partial") && List.of(n.subject().split(",")).contains(name)),
                    "the prober let go long before the detection deadline: " + result.inventory().engines().get(0).notes());
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, what + " took " + took + " (the prober's bound is 2 s per request)");
            assertTrue(c.services().isEmpty() || c.services().size() < 50, c.services().toString());
        }
    }
}
