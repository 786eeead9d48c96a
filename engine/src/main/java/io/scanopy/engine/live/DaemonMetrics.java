package io.scanopy.engine.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scanopy.engine.detection.ServiceDetector;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's meters, in whatever registry the embedder gives (the CLI exposes Prometheus's at
 * {@code /metrics}): containers per target and state, events received, resyncs, reconnects,
 * execs started, detection cache hits, and the latency from a Docker event to the inventory.
 */
public final class DaemonMetrics {
    private final MeterRegistry registry;
    private final Timer eventLatency;
    private final Map<String, AtomicInteger> containerGauges = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters live
     * @param detector the daemon's detector (its exec and cache counters are read from it)
     */
    public DaemonMetrics(MeterRegistry registry, ServiceDetector detector) {
        this.registry = registry;
        this.eventLatency = Timer.builder("scanopy.event.to.inventory")
                .description("Time from a Docker event to the inventory showing it (detection excluded)")
                // A dozen readable buckets around the 250 ms target, rather than Micrometer's seventy.
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
                        Duration.ofSeconds(5), Duration.ofSeconds(10))
                .register(registry);
        if (detector != null) {
            FunctionCounter.builder("scanopy.execs.started", detector, ServiceDetector::execsTotal)
                    .description("Exec instances the service probe created").register(registry);
            FunctionCounter.builder("scanopy.detection.cache.hits", detector, ServiceDetector::cacheHits)
                    .description("Containers whose services came from the detection cache, no exec").register(registry);
        }
    }

    /** @return the registry */
    public MeterRegistry registry() {
        return registry;
    }

    void eventReceived(String target) {
        Counter.builder("scanopy.events.received").description("Docker events received").tag("target", target).register(registry).increment();
    }

    void resync(String target, String kind) {
        Counter.builder("scanopy.resyncs").description("Full or list-diff resyncs of a target, and reads of its Swarm cluster (kind=swarm)").tag("target", target).tag("kind", kind)
                .register(registry).increment();
    }

    void reconnect(String target) {
        Counter.builder("scanopy.reconnects").description("Reconnections to a target after its stream or connection was lost").tag("target", target)
                .register(registry).increment();
    }

    void eventApplied(Duration sinceEvent) {
        eventLatency.record(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
    }

    void containers(String target, Map<String, Integer> byState) {
        containerGauges.forEach((key, gauge) -> {
            if (key.startsWith(target + "\u0000") && !byState.containsKey(key.substring(target.length() + 1))) {
                gauge.set(0);
            }
        });
        byState.forEach((state, count) -> containerGauges.computeIfAbsent(target + "\u0000" + state, k -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("scanopy.containers", value, AtomicInteger::get).description("Containers in the inventory")
                    .tag("target", target).tag("state", state).register(registry);
            return value;
        }).set(count));
    }
}
