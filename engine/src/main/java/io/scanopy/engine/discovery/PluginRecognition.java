package io.scanopy.engine.discovery;

import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.RawResponse;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transport;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Picks the plugin for a target from what answers there. A URL alone does not say which proxy
 * is behind it, so the engine asks for a path no proxy allows and Docker does not serve:
 * Tecnativa answers its HTML 403, wollomatic its plain-text 403/405, Docker a JSON 404. The
 * plugin that recognises the answer serves the target; when none does, the best static match
 * (the generic plugin) stays.
 */
public final class PluginRecognition {
    /** The path of the flavour probe. */
    public static final String PROBE_PATH = "/scanopy-flavor-probe";

    private PluginRecognition() {
    }

    /**
     * @param target the target (its flavour, if forced, is respected: no probe is sent)
     * @param chosen the plugin chosen by score
     * @param connection an open connection made with {@code chosen}'s transport
     * @param registry all loaded plugins
     * @return the plugin that recognises the answer, or {@code chosen}
     * @throws DockerAccessException when the target cannot be reached
     */
    public static LoadedPlugin refine(TargetSpec target, LoadedPlugin chosen, DockerConnection connection, PluginRegistry registry) throws DockerAccessException {
        if (target.flavor() != null) {
            return chosen;
        }
        List<LoadedPlugin> candidates = registry.plugins().stream()
                .filter(p -> p.plugin().matchScore(target) > DockerAccessPlugin.NOT_APPLICABLE)
                .filter(p -> sameTransport(p, target, connection.transport()))
                .toList();
        if (candidates.size() < 2) {
            return chosen;
        }
        RawResponse answer = connection.send("GET", PROBE_PATH, null);
        Denial denial = new Denial(null, "GET", PROBE_PATH, answer.status(), answer.contentType(), answer.body());
        return candidates.stream()
                .filter(p -> p.plugin().recognises(denial))
                .max(Comparator.<LoadedPlugin>comparingInt(p -> p.plugin().matchScore(target)).thenComparing(LoadedPlugin::id, Comparator.reverseOrder()))
                .orElse(chosen);
    }

    private static boolean sameTransport(LoadedPlugin plugin, TargetSpec target, Transport transport) {
        try {
            return Objects.equals(plugin.plugin().transport(target), transport);
        } catch (TargetConfigurationException | RuntimeException e) {
            return false;
        }
    }
}
