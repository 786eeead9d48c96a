package io.scanopy.engine.discovery;

import io.scanopy.engine.detection.DetectionOptions;

/**
 * How to discover.
 *
 * @param includeStopped list stopped containers too ({@code --all})
 * @param inspectConcurrency how many container inspections run at once per target
 * @param detection how to detect services, or null for no service detection
 */
public record DiscoveryOptions(boolean includeStopped, int inspectConcurrency, DetectionOptions detection) {
    /** Inspections in flight per target by default: enough to hide latency, gentle on the engine. */
    public static final int DEFAULT_INSPECT_CONCURRENCY = 8;

    /** Validates. */
    public DiscoveryOptions {
        if (inspectConcurrency < 1) {
            throw new IllegalArgumentException("inspectConcurrency must be at least 1");
        }
    }

    /**
     * @return running containers only, default concurrency, detection with exec
     */
    public static DiscoveryOptions defaults() {
        return new DiscoveryOptions(false, DEFAULT_INSPECT_CONCURRENCY, DetectionOptions.defaults());
    }

    /**
     * @param all include stopped containers
     * @return a copy with that setting
     */
    public DiscoveryOptions withIncludeStopped(boolean all) {
        return new DiscoveryOptions(all, inspectConcurrency, detection);
    }

    /**
     * @param options detection options, or null for none
     * @return a copy with that setting
     */
    public DiscoveryOptions withDetection(DetectionOptions options) {
        return new DiscoveryOptions(includeStopped, inspectConcurrency, options);
    }

    /**
     * @return whether exec will be used, so its endpoints are worth checking
     */
    public boolean wantExec() {
        return detection != null && detection.exec();
    }
}
