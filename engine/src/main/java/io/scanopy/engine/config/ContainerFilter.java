package io.scanopy.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which containers to discover, in Docker's filter syntax ({@code --filter label=KEY[=VALUE]},
 * {@code name=...}, {@code network=...}, {@code ancestor=...}, as {@code docker ps --filter} takes them). The engine
 * itself decides what matches: the filter is sent as the {@code filters} parameter of
 * {@code GET /containers/json}, so a match is exactly what Docker (or Podman) says it is —
 * {@code name} a regular expression, {@code network} a name or id prefix, {@code ancestor} an
 * image or one built from it, several {@code label}s all required, several of another key any one.
 *
 * @param values the values given per key, keys in order
 */
public record ContainerFilter(Map<String, Set<String>> values) {
    /**
     * The keys accepted: those of Docker's container list whose meaning depends on no other setting ({@code status} would change
     * what {@code --all} means) and which the daemon's own {@code id} filter cannot widen ({@code id}).
     */
    public static final List<String> KEYS = List.of("label", "name", "network", "ancestor");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContainerFilter NONE = new ContainerFilter(Map.of());

    /** Copies. */
    public ContainerFilter {
        Map<String, Set<String>> copy = new TreeMap<>();
        values.forEach((key, given) -> copy.put(key, java.util.Collections.unmodifiableSet(new LinkedHashSet<>(given))));
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * @return no filter: every container
     */
    public static ContainerFilter none() {
        return NONE;
    }

    /**
     * Reads {@code --filter} values: the one place their syntax is checked.
     *
     * @param given the values, each {@code KEY=VALUE}, in the order given
     * @return the filter (none when nothing was given)
     * @throws ConfigurationException naming the bad value and the syntax to use
     */
    public static ContainerFilter parse(Collection<String> given) throws ConfigurationException {
        Map<String, Set<String>> values = new TreeMap<>();
        for (String one : given) {
            int equals = one.indexOf('=');
            String key = equals < 0 ? "" : one.substring(0, equals).strip();
            String value = equals < 0 ? "" : one.substring(equals + 1).strip();
            if (!KEYS.contains(key) || value.isEmpty() || (key.equals("label") && value.startsWith("="))) {
                throw new ConfigurationException("--filter " + one + ": use KEY=VALUE with KEY one of " + String.join(", ", KEYS)
                        + " (label=KEY or label=KEY=VALUE, name=NAME, network=NETWORK, ancestor=IMAGE), as docker ps --filter takes them");
            }
            values.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(value);
        }
        return new ContainerFilter(values);
    }

    /**
     * @return whether no container is left out
     */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * The filter as Docker's {@code filters} query parameter takes it, with the given ids too.
     *
     * @param ids only containers with these ids, or empty for any
     * @return the JSON object, e.g. {@code {"label":["a=b"],"name":["web"]}}, not yet URL-encoded
     */
    public String toJson(Collection<String> ids) {
        Map<String, List<String>> json = new TreeMap<>();
        values.forEach((key, given) -> json.put(key, new ArrayList<>(given)));
        if (!ids.isEmpty()) {
            json.put("id", new ArrayList<>(ids));
        }
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    /**
     * @return the filter as given, for logs: {@code label=a=b name=web}
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        values.forEach((key, given) -> given.forEach(v -> parts.add(key + "=" + v)));
        return String.join(" ", parts);
    }
}
