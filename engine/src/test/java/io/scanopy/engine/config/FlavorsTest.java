package io.scanopy.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The flavour names users give and the plugin ids they stand for. */
class FlavorsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "tecnativa,   docker-proxy-tecnativa",
            "linuxserver, docker-proxy-linuxserver",
            "wollomatic,  docker-proxy-wollomatic",
            "generic,     docker-direct",
            // Any other value is taken as a plugin id.
            "docker-proxy-linuxserver, docker-proxy-linuxserver",
            "my-plugin,   my-plugin",
    })
    void eachFlavourNamesItsPlugin(String flavor, String pluginId) {
        assertEquals(pluginId, Flavors.pluginId(flavor));
    }
}
