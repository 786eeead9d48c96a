package io.scanopy.testkit;

import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.plugin.PluginSource;

/** docker-direct found by ServiceLoader with its jar on the class path. */
class ServiceLoaderDiscoveryTest extends DirectDiscoveryContract {
    @Override
    PluginRegistry loadPlugins() {
        return PluginFixtures.fromClasspathJars(PluginFixtures.builtFolder("scanopy.test.pluginJars"));
    }

    @Override
    PluginSource expectedSource() {
        return PluginSource.CLASSPATH;
    }
}
