package io.scanopy.engine.discovery;

/**
 * How to discover.
 *
 * @param includeStopped list stopped containers too ({@code --all})
 * @param inspectConcurrency how many container inspections run at once per target
 * @param wantExec whether exec will be used (its endpoints are checked only then)
 */
public record DiscoveryOptions(boolean includeStopped, int inspectConcurrency, boolean wantExec) {
    /** Inspections in flight per target by default: enough to hide latency, gentle on the engine. */
    public static final int DEFAULT_INSPECT_CONCURRENCY = 8;

    /** Validates. */
    public DiscoveryOptions {
        if (inspectConcurrency < 1) {
            throw new IllegalArgumentException("inspectConcurrency must be at least 1");
        }
    }

    /**
     * @return running containers only, default concurrency, exec wanted
     */
    public static DiscoveryOptions defaults() {
        return new DiscoveryOptions(false, DEFAULT_INSPECT_CONCURRENCY, true);
    }

    /**
     * @param all include stopped containers
     * @return a copy with that setting
     */
    public DiscoveryOptions withIncludeStopped(boolean all) {
        return new DiscoveryOptions(all, inspectConcurrency, wantExec);
    }
}
