package io.scanopy.testkit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.DaemonMetrics;
import io.scanopy.engine.live.DaemonOptions;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;

/** Shared pieces of the daemon tests: a daemon with test intervals, bounded waits on its inventory, labelled networks. */
final class Live {
    private Live() {
    }

    /**
     * Test intervals: no periodic resync (a resync would re-list and hide what is measured),
     * poll and ping every second, backoff 200 ms doubling to 2 s.
     */
    static DaemonOptions fast(DiscoveryOptions discovery) {
        return new DaemonOptions(discovery, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(20),
                Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    static ServiceDetector detector() {
        return new ServiceDetector(Catalogue.builtIn());
    }

    static Daemon daemon(PluginRegistry registry, TargetSpec target, DaemonOptions options, ServiceDetector detector) {
        return new Daemon(registry, List.of(target), options, detector, new DaemonMetrics(new SimpleMeterRegistry(), detector), Clock.systemUTC());
    }

    /** The container as the daemon's current snapshot shows it, on any engine. */
    static Optional<Container> container(Daemon daemon, String id) {
        for (DockerEngine engine : daemon.inventory().snapshot().inventory().engines()) {
            for (Container c : engine.containers()) {
                if (c.id().equals(id)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    static List<Container> containers(Daemon daemon) {
        return daemon.inventory().snapshot().inventory().engines().stream().flatMap(e -> e.containers().stream()).toList();
    }

    static TargetHealth health(Daemon daemon) {
        return daemon.inventory().health().get(0);
    }

    /**
     * Polls every 20 ms until the condition holds, at most {@code timeout}.
     *
     * @return the milliseconds it took
     */
    static long await(Duration timeout, Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Waits (bounded) until the container is in the snapshot and matches. */
    static Container awaitContainer(Daemon daemon, String id, Predicate<Container> matches, Duration timeout, String what) throws InterruptedException {
        await(timeout, () -> what + "; the daemon shows " + container(daemon, id).map(Object::toString).orElse("no such container")
                + " (health " + daemon.inventory().health() + ")", () -> container(daemon, id).filter(matches).isPresent());
        return container(daemon, id).orElseThrow();
    }

    /** Waits (bounded) until the container is not in the snapshot. */
    static void awaitGone(Daemon daemon, String id, Duration timeout, String what) throws InterruptedException {
        await(timeout, () -> what + "; the daemon still shows " + container(daemon, id).orElse(null), () -> container(daemon, id).isEmpty());
    }

    /** A bridge network with the run label; remove it with {@link #removeNetwork}. */
    static String createNetwork(String prefix) {
        return DockerClientFactory.instance().client().createNetworkCmd().withName(prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
                .withLabels(Map.of(TestContainer.RUN_LABEL, TestContainer.RUN_ID)).exec().getId();
    }

    /** Removes the network, disconnecting whatever is still attached first (cleanup order must not leak it). */
    static void removeNetwork(String id) {
        var docker = DockerClientFactory.instance().client();
        try {
            var attached = docker.inspectNetworkCmd().withNetworkId(id).exec().getContainers();
            if (attached != null) {
                for (String container : attached.keySet()) {
                    docker.disconnectFromNetworkCmd().withNetworkId(id).withContainerId(container).withForce(true).exec();
                }
            }
            docker.removeNetworkCmd(id).exec();
        } catch (RuntimeException e) {
            // Already gone.
        }
    }

    /** Closes each, ignoring failures, so one failing cleanup does not hide the others. */
    static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // Best effort.
            }
        }
    }
}
