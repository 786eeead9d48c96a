package io.scanopy.testkit;

import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.plugin.PluginSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** docker-direct loaded by pf4j from the plugin archive the build produced. */
class Pf4jArchiveDiscoveryTest extends DirectDiscoveryContract {
    @Override
    PluginRegistry loadPlugins() {
        try {
            return PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-plugins"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    PluginSource expectedSource() {
        return PluginSource.ARCHIVE;
    }
}
