package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.spi.Transport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Note;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;

/**
 * The probe ends itself: containers whose ports accept and never answer keep every request
 * hanging, and still no probe process outlives its limit by more than ~2 s, in busybox sh, dash
 * and bash, and the engine never runs more probe execs at once than the concurrency limit.
 * The probes here run as uid 65533, so only this test's probe processes and execs are counted
 * on a shared engine (other runs probe as 65534).
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProbeLifetimeTest {
    private static final int UID = 65533;
    private static final String USER = UID + ":" + UID;
    /** Six listeners that accept and never answer: one hanging request per port, more than any limit here. */
    private static final String HANG = "for p in 9000 9001 9002 9003 9004 9005; do nc -ll -p $p -e sleep 600 & done; wait";
    private final List<TestContainer> hanging = new ArrayList<>();
    private DockerConnection docker;

    @BeforeAll
    void start() throws Exception {
        for (int i = 0; i < 5; i++) {
            hanging.add(new TestContainer().withCommand("sh", "-c", HANG));
        }
        // dash as /bin/sh, busybox nc as client and busybox's timeout (which stays in the probe's process group).
        hanging.add(new TestContainer(TestImages.minimal("scanopy-testkit/dash-nc:1", List.of("nc", "sleep", "timeout", "cat", "head", "od", "tr"), Path.of("/bin/dash")))
                .withCommand("/bin/sh", "-c", HANG));
        // bash with no client but its own /dev/tcp and no timeout(1): only the watchdog ends a hanging request.
        hanging.add(new TestContainer(TestImages.minimal("scanopy-testkit/bash-sleep:1", List.of("sleep", "cat", "head", "od", "tr"), Path.of("/bin/bash")))
                .withCommand("/bin/bash", "-c", "for p in 9000 9001 9002; do /bin/busybox nc -ll -p $p -e /bin/busybox sleep 600 & done; wait"));
        hanging.forEach(TestContainer::start);
        docker = DockerConnection.open(new Transport.UnixSocket(EngineUnderTest.socket()));
        Thread.sleep(500);
    }

    @AfterAll
    void stop() {
        hanging.forEach(TestContainer::stop);
        if (docker != null) {
            docker.close();
        }
    }

    private List<String> ids() {
        return hanging.stream().map(TestContainer::getContainerId).toList();
    }

    private List<Container> inspected() throws Exception {
        List<Container> containers = new ArrayList<>();
        for (String id : ids()) {
            containers.add(docker.inspectContainer(id).orElseThrow());
        }
        return containers;
    }

    @Test
    void noProbeOutlivesItsLimitAndTheConcurrencyLimitHolds() throws Exception {
        // 7 containers x 2 s each at 2 at once is 8 s of probing: the 5 s deadline passes with probes in flight.
        DetectionOptions options = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 2, Duration.ofSeconds(2), Duration.ofSeconds(5), USER);
        EngineEventLog log = new EngineEventLog();
        long t0 = System.nanoTime();
        ServiceDetector.Outcome outcome;
        try (ServiceDetector detector = new ServiceDetector(Catalogue.builtIn())) {
            outcome = detector.detect(docker, inspected(), options, null);
        }
        long returnedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(returnedMs < 5_000 + 2_500, "detection returns by its deadline (+ the grace for the engine to say an exec ended): " + returnedMs + " ms");
        assertTrue(outcome.notes().stream().anyMatch(n -> n.code().equals("detection-partial")), outcome.notes().toString());

        // Shortly after the deadline nothing of any probe is left: the watchdog killed each at its limit.
        long untilDeadlinePlus2s = Math.max(0, 7_000 - (System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(untilDeadlinePlus2s);
        List<String> left = new ArrayList<>();
        for (TestContainer c : hanging) {
            ContainerProcesses.ofUser(c.getContainerId(), UID).forEach(p -> left.add(c.getDockerImageName() + ": " + p));
        }
        assertEquals(List.of(), left, "probe processes alive 2 s past the deadline");

        // The engine's record: never more than 2 probe execs alive at once, and each died within ~1 s of its 2 s limit.
        EngineEventLog.ExecPeak peak = log.execPeak(ids(), USER);
        assertTrue(peak.execs() >= 3, "probes ran: " + peak);
        assertTrue(peak.peak() <= 2, "in flight at once: " + peak);
    }

    @Test
    void eachShellsProbeIsCutAtItsLimitAndSaysSo() throws Exception {
        DetectionOptions options = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 7, Duration.ofSeconds(2), Duration.ofSeconds(30), USER);
        long t0 = System.nanoTime();
        ServiceDetector.Outcome outcome;
        try (ServiceDetector detector = new ServiceDetector(Catalogue.builtIn())) {
            outcome = detector.detect(docker, inspected(), options, null);
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        // Each hangs for more than its 2 s: all 7 at once end by their own limit, not by the 30 s deadline
        // (the margin is for 7 exec starts on a loaded 2-core machine: 4.52 s was seen there; the deadline is far past it).
        assertTrue(elapsedMs < 2_000 + 5_000, "bounded by the per-container limit, not the 30 s deadline: " + elapsedMs + " ms");
        for (TestContainer c : hanging) {
            Note limited = outcome.notes().stream().filter(n -> n.code().equals("probe-limited") && c.getContainerId().equals(n.subject())).findFirst()
                    .orElseThrow(() -> new AssertionError(c.getDockerImageName() + ": " + outcome.notes()));
            assertTrue(limited.message().contains("timed out after 2 s (it stopped itself there)"), limited.message());
        }
        assertFalse(outcome.notes().stream().anyMatch(n -> n.code().equals("detection-partial")), outcome.notes().toString());
        Thread.sleep(1_500);
        assertEquals(0, ContainerProcesses.countOfUser(ids(), UID), "probe processes 1.5 s after the limit");
    }

    @Test
    void withoutSleepTheProbeAsksNothingItCouldNotBound() throws Exception {
        // A client (busybox nc) but no sleep: no watchdog, so no request that could hang.
        try (TestContainer noSleep = new TestContainer(TestImages.minimal("scanopy-testkit/dash-no-sleep:1", List.of("nc", "cat", "head", "od", "tr"), Path.of("/bin/dash")))
                .withCommand("/bin/sh", "-c", "nc -ll -p 9000 -e cat")) {
            noSleep.start();
            DetectionOptions options = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 1, Duration.ofSeconds(5), Duration.ofSeconds(30), USER);
            ServiceDetector.Outcome outcome;
            try (ServiceDetector detector = new ServiceDetector(Catalogue.builtIn())) {
                outcome = detector.detect(docker, List.of(docker.inspectContainer(noSleep.getContainerId()).orElseThrow()), options, null);
            }
            Note limited = outcome.notes().stream().filter(n -> n.code().equals("probe-limited")).findFirst().orElseThrow(() -> new AssertionError(outcome.notes().toString()));
            assertTrue(limited.message().contains("no sleep in the container"), limited.message());
        }
    }

    @Test
    void aContainerGoneBetweenInspectionAndProbeIsNotedNotAnExecError() throws Exception {
        try (TestContainer removed = new TestContainer(); TestContainer stopped = new TestContainer()) {
            removed.start();
            stopped.start();
            // Inspected while running, then gone before the probe: exactly what a race leaves behind, made deterministic.
            Container removedSeen = docker.inspectContainer(removed.getContainerId()).orElseThrow();
            Container stoppedSeen = docker.inspectContainer(stopped.getContainerId()).orElseThrow();
            DockerClientFactory.instance().client().removeContainerCmd(removed.getContainerId()).withForce(true).exec();
            stopped.stopInPlace();
            DetectionOptions options = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 2, Duration.ofSeconds(5), Duration.ofSeconds(30), USER);
            ServiceDetector.Outcome outcome;
            try (ServiceDetector detector = new ServiceDetector(Catalogue.builtIn())) {
                outcome = detector.detect(docker, List.of(removedSeen, stoppedSeen), options, null);
            }
            Note gone = outcome.notes().stream().filter(n -> n.code().equals("container-vanished") && removed.getContainerId().equals(n.subject())).findFirst()
                    .orElseThrow(() -> new AssertionError(outcome.notes().toString()));
            assertEquals(Note.Level.INFO, gone.level());
            assertTrue(gone.message().endsWith("removed before its probe could run; left out"), gone.message());
            Note halted = outcome.notes().stream().filter(n -> n.code().equals("container-vanished") && stopped.getContainerId().equals(n.subject())).findFirst()
                    .orElseThrow(() -> new AssertionError(outcome.notes().toString()));
            assertTrue(halted.message().contains("stopped before its probe could run"), halted.message());
            assertTrue(outcome.notes().stream().noneMatch(n -> n.message().contains("exec failed") || n.code().equals("probe-limited")), outcome.notes().toString());
            assertEquals(List.of(stopped.getContainerId()), outcome.containers().stream().map(Container::id).toList(), "the removed one is left out, the stopped one kept");
            assertEquals(Set.of(), outcome.unsettled(), "nothing to try again");
        }
    }
}
