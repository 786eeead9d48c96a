package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
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
 * A hostile service against the exec probe's framing. The probe's marker is on its command
 * line, which any process in the container reads from {@code /proc/PID/cmdline}. The service
 * ({@code forging-server.sh}, served by busybox nc as the container's root) does just that
 * while the probe asks it for a page, then tries both ways a service could forge a frame with
 * the marker — Grafana on 3000 and 4444, Redis on 6379, none of them there:
 * <ol>
 * <li>in its answer: lines that are frames, marker first. They fail because the probe never
 * prints an answer as it came: it prints {@code od}'s hex of it, so no byte of an answer can
 * be a newline or a marker, and the forged lines stay inside the one answer they came in.
 * Knowing the marker changes nothing; hiding it would protect nothing more.</li>
 * <li>into the probe's own output, by opening {@code /proc/PID/fd/1} of its processes. The
 * kernel refuses it: opening another process's file descriptors takes ptrace read access,
 * which a process of another user only has with CAP_SYS_PTRACE, and the probe runs as
 * 65534:65534 by default while the service runs as root without that capability (Docker's
 * and Podman's default sets). This half holds because of whom the probe runs as, not because
 * of any encoding: a process running as the probe's own user — a service running as 65534, or
 * any of the container's root processes when the probe runs as the container's own user —
 * may write there, and no framing can tell its lines from the probe's (this test fails with
 * "wrote into the output" when the probe runs as root). What such a process could claim it
 * could also make true, by listening and answering.</li>
 * </ol>
 * The service logs what it learned and what it could do, so the test knows the attack really
 * ran; the inventory shows only what is true: port 8080, answering HTTP no rule knows.
 */
@RequiresDocker
class ProbeForgingTest {

    @Test
    void aServiceThatLearnsTheMarkerForgesNothing() throws Exception {
        try (PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-forging-plugins"));
             TestContainer forger = new TestContainer()
                     .withCopyFileToContainer(MountableFile.forClasspathResource("io/scanopy/testkit/forging-server.sh", 0755), "/forging-server.sh")
                     .withCommand("sh", "-c", "mkdir -p /tmp && exec nc -ll -p 8080 -e /forging-server.sh")) {
            forger.start();
            EngineEventLog log = new EngineEventLog();
            DetectionOptions detection = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(15), Duration.ofSeconds(60));
            DiscoveryOptions options = DiscoveryOptions.defaults().withDetection(detection)
                    .withFilter(ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID, "name=" + forger.getContainerName().substring(1))));
            DiscoveryResult result = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC()).discover(List.of(TargetSpec.local(Map.of())), options);
            assertEquals(List.of(), result.failures());
            DockerEngine engine = result.inventory().engines().get(0);
            Container found = engine.containers().stream().filter(c -> c.id().equals(forger.getContainerId())).findFirst()
                    .orElseThrow(() -> new AssertionError("the forger is missing: " + engine.notes()));

            // One exec: the probe's (read before the test's own exec below).
            assertEquals(1, log.execCreates().getOrDefault(forger.getContainerId(), 0), "one exec: " + log.execCreates());

            // The attack ran: the service read a marker of the probe's shape and tried its output.
            String attack = forger.execInContainer("cat", "/tmp/forge.log").getStdout();
            assertTrue(attack.lines().anyMatch(l -> l.matches("learned scanopy-[0-9a-f]{24} from( [0-9]+)+")), "the service learned the marker: " + attack);
            assertTrue(attack.contains("refused: the output of "), attack);
            assertTrue(!attack.contains("wrote into"), "the kernel let the service write into the probe's output: " + attack);

            // Only the truth: one HTTP service on 8080 that no rule knows; no Grafana, no Redis, no port the forger named.
            assertEquals(List.of("unrecognised-http"), found.services().stream().map(DetectedService::definitionId).toList(), found.services().toString());
            Set<Integer> evidencePorts = found.services().stream().flatMap(s -> s.evidence().stream()).map(DetectedService.Evidence::port).collect(Collectors.toSet());
            assertEquals(Set.of(8080), evidencePorts, found.services().toString());
            assertEquals(List.of(), found.ports(), "nothing published or exposed");
            assertTrue(engine.notes().stream().noneMatch(n -> forger.getContainerId().equals(n.subject())), "the probe ran whole: " + engine.notes());
        }
    }
}
