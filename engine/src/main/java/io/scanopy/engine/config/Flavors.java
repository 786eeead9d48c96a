package io.scanopy.engine.config;

import java.util.Map;

/** The user-facing proxy flavour names and the plugin ids they stand for. */
public final class Flavors {
    private static final Map<String, String> PLUGIN_IDS = Map.of(
            "tecnativa", "docker-proxy-tecnativa",
            "wollomatic", "docker-proxy-wollomatic",
            "linuxserver", "docker-proxy-linuxserver",
            "generic", "docker-direct");

    private Flavors() {
    }

    /**
     * @param flavor a flavour name ({@code tecnativa}, {@code wollomatic}, {@code linuxserver},
     *     {@code generic}) or any plugin id
     * @return the plugin id to use
     */
    public static String pluginId(String flavor) {
        return PLUGIN_IDS.getOrDefault(flavor, flavor);
    }

    /**
     * @param pluginId a plugin id
     * @return the flavour name that stands for it ({@code tecnativa}, ...), or the id itself when none does
     */
    public static String flavorOf(String pluginId) {
        return PLUGIN_IDS.entrySet().stream().filter(e -> e.getValue().equals(pluginId)).map(Map.Entry::getKey).findFirst().orElse(pluginId);
    }
}
