package io.scanopy.engine.config;

import io.scanopy.spi.TargetSpec;
import io.scanopy.engine.discovery.DiscoveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Resolved settings.
 *
 * @param targets what to discover, at least one
 * @param pluginsDir the pf4j plugins directory, or null for classpath plugins only
 * @param targetTimeout the time reaching one target and reading its inventory may take, and any one request
 */
public record DaemonSettings(List<TargetSpec> targets, Path pluginsDir, Duration targetTimeout) {

    /** Copies the list. */
    public DaemonSettings {
        targets = List.copyOf(targets);
    }

    /**
     * Settings with the default target timeout.
     *
     * @param targets what to discover
     * @param pluginsDir the plugins directory, or null
     */
    public DaemonSettings(List<TargetSpec> targets, Path pluginsDir) {
        this(targets, pluginsDir, DiscoveryOptions.DEFAULT_TARGET_TIMEOUT);
    }
}
