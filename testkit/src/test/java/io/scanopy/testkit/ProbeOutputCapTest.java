package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ExecProbe;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Note;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.MountableFile;

/**
 * The cap on one exec's whole output ({@link ExecProbe#MAX_OUTPUT}, 4 MiB), not on one answer:
 * a container with {@value #PORTS} listening ports, each answering a 96 KiB page
 * ({@code large-answers.sh}), makes its probe print 64 KiB of each, hex-encoded — about 5 MiB in
 * all. The cap holds (answers past it are dropped, so not every port has its answer), the
 * container's note says its output was capped (not that it timed out), and a plain container
 * probed in the same discovery is detected as if the other were not there.
 */
@RequiresDocker
class ProbeOutputCapTest {
    private static final int PORTS = 40;
    private static final int FIRST_PORT = 20000;

    @Test
    void aContainerWhoseProbeSaysTooMuchIsCappedAndMarkedAndNoOtherIsTouched() throws Exception {
        try (PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-cap-plugins"));
             TestContainer talker = new TestContainer()
                     .withCopyFileToContainer(MountableFile.forClasspathResource("io/scanopy/testkit/large-answers.sh", 0755), "/large-answers.sh")
                     .withCommand("sh", "-c", "for p in $(seq " + FIRST_PORT + " " + (FIRST_PORT + PORTS - 1) + "); do nc -ll -p $p -e /large-answers.sh & done; wait");
             TestContainer plain = new TestContainer().servingHttp(8081)) {
            talker.start();
            plain.start();
            Thread.sleep(500);
            EngineEventLog log = new EngineEventLog();
            DetectionOptions detection = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(30), Duration.ofSeconds(90));
            DiscoveryOptions options = DiscoveryOptions.defaults().withDetection(detection)
                    .withFilter(TestContainer.thisRun());
            DiscoveryResult result = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC()).discover(List.of(TargetSpec.local(System.getenv())), options);
            assertEquals(List.of(), result.failures());
            DockerEngine engine = result.inventory().engines().get(0);
            Map<String, Integer> execs = log.execCreates();
            assertEquals(1, execs.getOrDefault(talker.getContainerId(), 0), execs.toString());
            assertEquals(1, execs.getOrDefault(plain.getContainerId(), 0), execs.toString());

            // Marked: capped, and said so — not a timeout, not a partial detection.
            List<Note> talkerNotes = engine.notes().stream().filter(n -> talker.getContainerId().equals(n.subject())).toList();
            assertEquals(1, talkerNotes.size(), engine.notes().toString());
            assertEquals("probe-limited", talkerNotes.get(0).code());
            assertTrue(talkerNotes.get(0).message().contains("its output passed the exec's 4 MiB cap"), talkerNotes.get(0).message());
            assertTrue(engine.notes().stream().noneMatch(n -> n.code().equals("detection-partial")), engine.notes().toString());

            // The cap held: the answers before it are kept, those past it are not.
            Set<Integer> answered = services(engine, talker).stream().flatMap(s -> s.evidence().stream())
                    .filter(e -> e.route().equals("exec")).map(DetectedService.Evidence::port).collect(Collectors.toSet());
            System.out.println("| " + PORTS + " ports x 64 KiB answers | exec probe | 1 exec | " + answered.size() + " answers kept under the "
                    + ExecProbe.MAX_OUTPUT / (1024 * 1024) + " MiB cap |");
            assertTrue(answered.size() >= PORTS / 2 && answered.size() < PORTS, "answers kept: " + answered.size() + " of " + PORTS);

            // The other container: detected whole, no note.
            List<DetectedService> plainServices = services(engine, plain);
            assertEquals(List.of("unrecognised-http"), plainServices.stream().map(DetectedService::definitionId).toList(), plainServices.toString());
            DetectedService.Evidence page = plainServices.get(0).evidence().get(0);
            assertEquals(8081, page.port());
            assertTrue(page.detail().contains("title \"scanopy test\""), page.detail());
            assertTrue(engine.notes().stream().noneMatch(n -> plain.getContainerId().equals(n.subject())), engine.notes().toString());
        }
    }

    private static List<DetectedService> services(DockerEngine engine, TestContainer c) {
        Container found = engine.containers().stream().filter(x -> x.id().equals(c.getContainerId())).findFirst()
                .orElseThrow(() -> new AssertionError(c.getContainerId() + " missing: " + engine.notes()));
        return found.services();
    }
}
