package io.scanopy.engine.target;

import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.RawResponse;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which plugin serves a target, decided once per session in two explicit steps. First every
 * loaded plugin is asked how well it matches the target ({@link DockerAccessPlugin#matchScore});
 * the best one builds the transport. Then, when other plugins would reach the same address the
 * same way, what answers there decides: the engine sends {@code DELETE} to a path no proxy
 * allows and Docker does not serve ({@value #PROBE_PATH}) — Tecnativa answers its HTML 403,
 * wollomatic its plain-text 403 (client address refused) or 405 (address admitted, no DELETE
 * allowlist), Docker a JSON 404 — and the plugin that recognises the answer serves the target.
 * A method no discovery setup admits makes the answer say as much as it can: wollomatic checks
 * the address before the method. The answer and the reasons are kept, for explanations and for
 * {@code doctor}.
 */
public final class PluginSelection {
    /** The method of the flavour probe. */
    public static final String PROBE_METHOD = Denial.FLAVOR_PROBE_METHOD;
    /** The path of the flavour probe. */
    public static final String PROBE_PATH = Denial.FLAVOR_PROBE_PATH;

    private PluginSelection() {
    }

    /**
     * The plugin chosen by score, with the transport it builds for the target.
     *
     * @param plugin the plugin
     * @param transport its transport for the target
     * @param scores every loaded plugin's answer to "how well do you match?", asked once
     */
    record ByScore(LoadedPlugin plugin, Transport transport, Map<LoadedPlugin, Integer> scores) {
    }

    /**
     * The outcome of selection.
     *
     * @param plugin the plugin serving the target
     * @param reasons how it was chosen, one line each, for {@code doctor}
     * @param probe the flavour probe's answer, or null when none was sent
     */
    public record Selected(LoadedPlugin plugin, List<String> reasons, Denial probe) {
        /** Copies the list. */
        public Selected {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * Step one: the best-scoring plugin (or the forced flavour) and its transport.
     *
     * @param target the target
     * @param registry the loaded plugins
     * @return the plugin and its transport
     * @throws DockerAccessException when no plugin serves the target or its settings are unusable
     */
    static ByScore byScore(TargetSpec target, PluginRegistry registry) throws DockerAccessException {
        Map<LoadedPlugin, Integer> scores = new LinkedHashMap<>();
        for (LoadedPlugin p : registry.plugins()) {
            scores.put(p, p.plugin().matchScore(target));
        }
        Optional<LoadedPlugin> best = target.flavor() != null ? registry.find(target.flavor())
                : scores.entrySet().stream().filter(e -> e.getValue() > DockerAccessPlugin.NOT_APPLICABLE)
                        .max(Map.Entry.<LoadedPlugin, Integer>comparingByValue().thenComparing(e -> e.getKey().id(), Comparator.reverseOrder()))
                        .map(Map.Entry::getKey);
        LoadedPlugin chosen = best.orElseThrow(() -> new DockerAccessException(Kind.CONFIGURATION, target.flavor() != null
                ? "No plugin '" + target.flavor() + "' is loaded for " + target.label() + " — loaded: " + loadedIds(registry) + " (see: scanopy-daemon plugins)"
                : "No loaded plugin can reach " + target.label() + " — loaded: " + loadedIds(registry) + " (see: scanopy-daemon plugins)", null));
        try {
            return new ByScore(chosen, chosen.plugin().transport(target), scores);
        } catch (TargetConfigurationException e) {
            throw new DockerAccessException(Kind.CONFIGURATION, e.getMessage(), e);
        }
    }

    private static String loadedIds(PluginRegistry registry) {
        List<String> ids = registry.plugins().stream().map(LoadedPlugin::id).toList();
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    /**
     * Step two: let the answer at the target decide among the plugins that reach it the same way.
     *
     * @param target the target (a forced flavour is respected: no probe is sent)
     * @param byScore the result of step one
     * @param connection an open connection made with that transport
     * @param registry all loaded plugins
     * @return the plugin serving the target and why
     * @throws DockerAccessException when the target cannot be reached
     */
    static Selected recognise(TargetSpec target, ByScore byScore, DockerConnection connection, PluginRegistry registry) throws DockerAccessException {
        List<String> reasons = new ArrayList<>();
        LoadedPlugin chosen = byScore.plugin();
        if (target.flavor() != null) {
            reasons.add("forced by the flavour setting (" + target.flavor() + ")");
            return new Selected(chosen, reasons, null);
        }
        Map<LoadedPlugin, Integer> scores = byScore.scores();
        reasons.add("best match for " + target.label() + ": " + chosen.id() + " (score " + scores.get(chosen) + ")");
        List<LoadedPlugin> candidates = new ArrayList<>();
        for (LoadedPlugin p : registry.plugins()) {
            if (p == chosen || scores.get(p) > DockerAccessPlugin.NOT_APPLICABLE && sameTransport(p, target, byScore.transport())) {
                candidates.add(p);
            }
        }
        if (candidates.size() < 2) {
            reasons.add("no other plugin reaches " + byScore.transport().describe() + " this way: no flavour probe sent");
            return new Selected(chosen, reasons, null);
        }
        Denial denial = probe(connection);
        String seen = PROBE_METHOD + " " + PROBE_PATH + " answered HTTP " + denial.status() + (denial.contentType().isEmpty() ? "" : " " + denial.contentType());
        LoadedPlugin recognised = candidates.stream()
                .filter(p -> p.plugin().recognises(denial))
                .max(Comparator.<LoadedPlugin>comparingInt(scores::get).thenComparing(LoadedPlugin::id, Comparator.reverseOrder()))
                .orElse(null);
        if (recognised == null) {
            reasons.add(seen + ", which no plugin recognises as its proxy's refusal: " + chosen.id() + " stays");
            return new Selected(chosen, reasons, denial);
        }
        reasons.add(seen + ", recognised by " + recognised.id());
        return new Selected(recognised, reasons, denial);
    }

    /**
     * Sends the flavour probe. Nothing can be changed by it: no proxy admits it and Docker has
     * no route there.
     *
     * @param connection the connection to the target
     * @return the answer, as a denial without endpoint
     * @throws DockerAccessException when the target cannot be reached
     */
    static Denial probe(DockerConnection connection) throws DockerAccessException {
        RawResponse answer = connection.send(PROBE_METHOD, PROBE_PATH, null);
        return new Denial(null, PROBE_METHOD, PROBE_PATH, answer.status(), answer.contentType(), answer.body());
    }

    private static boolean sameTransport(LoadedPlugin plugin, TargetSpec target, Transport transport) {
        try {
            return transport.equals(plugin.plugin().transport(target));
        } catch (TargetConfigurationException | RuntimeException e) {
            return false;
        }
    }
}
