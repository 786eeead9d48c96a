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
import io.scanopy.spi.inventory.Note;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
 * <li>into the probe's own output, by opening {@code /proc/PID/fd/1} of its processes. With
 * the default user the kernel refuses it: opening another process's file descriptors takes
 * ptrace read access, which a process of another user only has with CAP_SYS_PTRACE, and the
 * probe runs as 65534:65534 while the service runs as root without that capability (Docker's
 * and Podman's default sets). When the probe runs as the container's own user (its fallback, or
 * {@code --exec-user} so set) the kernel lets the service in, and no encoding can keep a
 * writer out of a pipe. What the daemon can do, it does: the script prints its frames in one
 * order (each kind once, answers only for the ports it listed, once per port and path, nothing
 * after DONE), and the forger's frames break it, so none of that output is used and the
 * container's note says why.</li>
 * </ol>
 * The service logs what it learned and what it could do, so each test knows the attack really
 * ran, and which way. What such a writer could still do — read the probe's frames out of the
 * pipe before the daemon does and put its own in their place, in the same order — no framing
 * can stop; it speaks only for its own container, whose processes could as well make such
 * claims true by listening and answering.
 */
@RequiresDocker
class ProbeForgingTest {

    private static final String LEARNED = "learned scanopy-[0-9a-f]{24} from( [0-9]+)+";

    /** What a discovery of the forger alone found, and what the forger logged. */
    private record Outcome(DockerEngine engine, Container found, int execs, String attack) {
    }

    private static Outcome discoverTheForger(String execUser) throws Exception {
        try (PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-forging-plugins"));
             TestContainer forger = new TestContainer()
                     .withCopyFileToContainer(MountableFile.forClasspathResource("io/scanopy/testkit/forging-server.sh", 0755), "/forging-server.sh")
                     .withCommand("sh", "-c", "mkdir -p /tmp && exec nc -ll -p 8080 -e /forging-server.sh")) {
            forger.start();
            EngineEventLog log = new EngineEventLog();
            DetectionOptions detection = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(15), Duration.ofSeconds(60))
                    .withExecUser(execUser);
            DiscoveryOptions options = DiscoveryOptions.defaults().withDetection(detection)
                    .withFilter(ContainerFilter.parse(List.of(TestContainer.THIS_RUN, "name=" + forger.getContainerName().substring(1))));
            DiscoveryResult result = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC()).discover(List.of(TargetSpec.local(System.getenv())), options);
            assertEquals(List.of(), result.failures());
            DockerEngine engine = result.inventory().engines().get(0);
            Container found = engine.containers().stream().filter(c -> c.id().equals(forger.getContainerId())).findFirst()
                    .orElseThrow(() -> new AssertionError("the forger is missing: " + engine.notes()));
            // The probe's execs, counted before the test's own exec that reads the log.
            int execs = log.execCreates().getOrDefault(forger.getContainerId(), 0);
            return new Outcome(engine, found, execs, forger.execInContainer("cat", "/tmp/forge.log").getStdout());
        }
    }

    /** Nothing the forger named: no Grafana, no Redis, no evidence on any port but 8080. */
    private static void nothingForged(Container found) {
        assertTrue(found.services().stream().noneMatch(s -> s.definitionId().equals("grafana") || s.definitionId().equals("redis")), found.services().toString());
        Set<Integer> evidencePorts = found.services().stream().flatMap(s -> s.evidence().stream()).map(DetectedService.Evidence::port).collect(Collectors.toSet());
        assertTrue(Set.of(8080).containsAll(evidencePorts), found.services().toString());
        assertEquals(List.of(), found.ports(), "nothing published or exposed");
    }

    @Test
    void aServiceThatLearnsTheMarkerForgesNothing() throws Exception {
        Outcome o = discoverTheForger(DetectionOptions.DEFAULT_EXEC_USER);
        assertEquals(1, o.execs(), "one exec");
        // The attack ran: the service read a marker of the probe's shape and tried the probe's output.
        assertTrue(o.attack().lines().anyMatch(l -> l.matches(LEARNED)), "the service learned the marker: " + o.attack());
        assertTrue(o.attack().contains("refused: the output of "), o.attack());
        assertTrue(!o.attack().contains("wrote into"), "the kernel let the service write into the probe's output: " + o.attack());

        // Only the truth: one HTTP service on 8080 that no rule knows.
        nothingForged(o.found());
        assertEquals(List.of("unrecognised-http"), o.found().services().stream().map(DetectedService::definitionId).toList(), o.found().services().toString());
        assertEquals(8080, o.found().services().get(0).evidence().get(0).port());
        assertTrue(o.engine().notes().stream().noneMatch(n -> o.found().id().equals(n.subject())), "the probe ran whole: " + o.engine().notes());
    }

    @Test
    void framesWrittenIntoTheProbesOutputBreakItsOrderAndNoneOfItIsUsed() throws Exception {
        // As the container's own user (root here), the probe shares the service's user: the kernel lets the service in.
        Outcome o = discoverTheForger(null);
        assertEquals(1, o.execs(), "one exec");
        assertTrue(o.attack().lines().anyMatch(l -> l.matches(LEARNED)), "the service learned the marker: " + o.attack());
        assertTrue(o.attack().contains("wrote into the output of "), "the service wrote into the probe's output: " + o.attack());

        nothingForged(o.found());
        assertEquals(List.of(), o.found().services(), "none of the probe's output is used");
        Note note = o.engine().notes().stream().filter(n -> o.found().id().equals(n.subject())).findFirst()
                .orElseThrow(() -> new AssertionError("no note for the forger: " + o.engine().notes()));
        assertEquals("probe-limited", note.code());
        assertTrue(note.message().contains("its output held frames the probe did not write"), note.message());
    }
}
