package io.scanopy.engine.plugin;

import io.scanopy.spi.DockerAccessPlugin;

/**
 * A plugin the engine can use.
 *
 * @param plugin the extension instance
 * @param version the plugin's version (pf4j descriptor, or the jar's implementation version)
 * @param source where it came from
 * @param location the archive path or the jar/classes location
 */
public record LoadedPlugin(DockerAccessPlugin plugin, String version, PluginSource source, String location) {

    /**
     * @return the plugin id
     */
    public String id() {
        return plugin.id();
    }
}
