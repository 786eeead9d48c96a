package io.scanopy.engine.detection;

import java.time.Duration;

/**
 * How service detection runs.
 *
 * @param exec probe inside containers with exec (false: {@code --no-exec}, API route only)
 * @param policy when to probe a container whose image or labels already identify it
 * @param probePublishedPorts also probe published ports from the daemon's side, when the engine is local
 * @param concurrency probes in flight at once (the engine's exec start is the bottleneck)
 * @param execTimeout how long one probe may run
 * @param deadline how long detection may take in all; what is found by then is kept
 */
public record DetectionOptions(boolean exec, ExecPolicy policy, boolean probePublishedPorts, int concurrency, Duration execTimeout, Duration deadline) {

    /** When a container is probed with exec. */
    public enum ExecPolicy {
        /** Every running container (one container can run several services). */
        ALWAYS,
        /** Only containers that image and label rules do not already identify. */
        WHEN_NEEDED
    }

    /** Validates. */
    public DetectionOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    /**
     * @return exec on, always, 4 probes at once, 10 s per probe, 120 s in all
     */
    public static DetectionOptions defaults() {
        return new DetectionOptions(true, ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(10), Duration.ofSeconds(120));
    }
}
