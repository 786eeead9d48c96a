package io.scanopy.engine.config;

import io.scanopy.spi.TargetSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Resolved settings.
 *
 * @param targets what to discover, at least one
 * @param pluginsDir the pf4j plugins directory, or null for classpath plugins only
 */
public record DaemonSettings(List<TargetSpec> targets, Path pluginsDir) {

    /** Copies the list. */
    public DaemonSettings {
        targets = List.copyOf(targets);
    }
}
