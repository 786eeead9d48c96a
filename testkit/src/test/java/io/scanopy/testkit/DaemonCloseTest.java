package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Event;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * Stopping the daemon does not wait for a service probe in flight: a container whose listeners
 * accept and never answer keeps its probe busy for many seconds (6 listeners x 2 s per request,
 * under a 60 s exec timeout), and {@link Daemon#close()} still returns within 5 s, its threads gone.
 */
@RequiresDocker
class DaemonCloseTest {

    @Test
    void closeReturnsWithin5sWhileAProbeIsInFlight() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-close-plugins"));
        TestContainer hang = new TestContainer().withCommand("sh", "-c", "for p in 9000 9001 9002 9003 9004 9005; do nc -ll -p $p -e sleep 600 & done; wait");
        ServiceDetector detector = Live.detector();
        Daemon daemon = null;
        try {
            hang.start();
            Thread.sleep(500);
            DetectionOptions slow = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(60), Duration.ofSeconds(120));
            EngineEventLog window = new EngineEventLog();
            daemon = Live.daemon(registry, TargetSpec.local(Map.of()), Live.fast(DiscoveryOptions.defaults().withDetection(slow)), detector);
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
            String label = Live.health(daemon).target();

            // Wait (bounded) for the probe's exec to start in the hanging container.
            AtomicReference<String> execId = new AtomicReference<>();
            Live.await(Duration.ofSeconds(30), () -> "the probe of the hanging container starts", () -> {
                execId.set(probeExec(window, hang.getContainerId(), "exec_start").orElse(null));
                return execId.get() != null;
            });
            assertTrue(docker.inspectExecCmd(execId.get()).exec().isRunning(), "the probe is in flight before close");

            long t0 = System.nanoTime();
            daemon.close();
            long closeMs = (System.nanoTime() - t0) / 1_000_000;
            boolean stillProbing = docker.inspectExecCmd(execId.get()).exec().isRunning();
            System.out.printf("DaemonCloseTest: close() took %d ms with a probe in flight (still running after: %s)%n", closeMs, stillProbing);
            assertTrue(stillProbing, "the probe was still in flight when close returned: close did not just outwait it");
            assertTrue(closeMs < 5_000, "close returned in " + closeMs + " ms");
            Live.await(Duration.ofSeconds(1), () -> "the daemon's threads for " + label + " end: " + threads(label),
                    () -> threads(label).isEmpty());
        } finally {
            Live.closeAll(daemon, detector, hang, registry);
        }
    }

    private static List<String> threads(String label) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.equals("watch-" + label) || n.equals("events-" + label)).toList();
    }

    private static Optional<String> probeExec(EngineEventLog window, String containerId, String action) {
        try {
            for (Event e : window.events()) {
                if (containerId.equals(e.getId()) && e.getAction() != null && e.getAction().startsWith(action) && e.getActor() != null
                        && e.getActor().getAttributes() != null) {
                    return Optional.ofNullable(e.getActor().getAttributes().get("execID"));
                }
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
