package io.scanopy.engine.discovery;

import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.docker.DockerConnection;
import java.time.Duration;

/**
 * How to discover.
 *
 * @param includeStopped list stopped containers too ({@code --all})
 * @param inspectConcurrency how many container inspections run at once per target
 * @param detection how to detect services, or null for no service detection
 * @param targetTimeout the time reaching one target and reading its inventory may take in all (connect, negotiation, list,
 *     inspections, networks; service detection has its own deadline), and the time any one request may take
 * @param filter which containers to discover and probe ({@code --filter}); the engine applies it to its list
 */
public record DiscoveryOptions(boolean includeStopped, int inspectConcurrency, DetectionOptions detection, Duration targetTimeout, ContainerFilter filter) {
    /** Inspections in flight per target by default: enough to hide latency, gentle on the engine. */
    public static final int DEFAULT_INSPECT_CONCURRENCY = 8;
    /** The target timeout by default: a healthy engine answers a discovery in well under a second. */
    public static final Duration DEFAULT_TARGET_TIMEOUT = DockerConnection.DEFAULT_TIMEOUT;

    /** Validates. */
    public DiscoveryOptions {
        if (inspectConcurrency < 1) {
            throw new IllegalArgumentException("inspectConcurrency must be at least 1");
        }
        if (targetTimeout == null || targetTimeout.isZero() || targetTimeout.isNegative()) {
            throw new IllegalArgumentException("targetTimeout must be positive");
        }
        filter = filter == null ? ContainerFilter.none() : filter;
    }

    /**
     * @param includeStopped list stopped containers too
     * @param inspectConcurrency inspections at once per target
     * @param detection how to detect services, or null
     */
    public DiscoveryOptions(boolean includeStopped, int inspectConcurrency, DetectionOptions detection) {
        this(includeStopped, inspectConcurrency, detection, DEFAULT_TARGET_TIMEOUT, ContainerFilter.none());
    }

    /**
     * @return running containers only, default concurrency, detection with exec
     */
    public static DiscoveryOptions defaults() {
        return new DiscoveryOptions(false, DEFAULT_INSPECT_CONCURRENCY, DetectionOptions.defaults());
    }

    /**
     * @param timeout the target timeout
     * @return a copy with that setting
     */
    public DiscoveryOptions withTargetTimeout(Duration timeout) {
        return new DiscoveryOptions(includeStopped, inspectConcurrency, detection, timeout, filter);
    }

    /**
     * @param all include stopped containers
     * @return a copy with that setting
     */
    public DiscoveryOptions withIncludeStopped(boolean all) {
        return new DiscoveryOptions(all, inspectConcurrency, detection, targetTimeout, filter);
    }

    /**
     * @param options detection options, or null for none
     * @return a copy with that setting
     */
    public DiscoveryOptions withDetection(DetectionOptions options) {
        return new DiscoveryOptions(includeStopped, inspectConcurrency, options, targetTimeout, filter);
    }

    /**
     * @param containers which containers to discover and probe
     * @return a copy with that setting
     */
    public DiscoveryOptions withFilter(ContainerFilter containers) {
        return new DiscoveryOptions(includeStopped, inspectConcurrency, detection, targetTimeout, containers);
    }

    /**
     * @return whether exec will be used, so its endpoints are worth checking
     */
    public boolean wantExec() {
        return detection != null && detection.exec();
    }
}
