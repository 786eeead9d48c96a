package io.scanopy.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which product serves the Docker API, and its version, from a {@code /version} answer. Docker
 * names its own component "Engine"; Podman (whose compat API answers the same endpoint) names
 * it "Podman Engine" and puts Podman's version, not a Docker one, in the top-level
 * {@code Version}. So the product is read from {@code Components}, never assumed.
 *
 * @param name "Docker", "Podman", or null when no known engine component is named
 * @param version that component's version (the top-level {@code Version} when there is no
 *     known component), or null
 */
public record EngineProduct(String name, String version) {
    /** Docker Engine's component name in {@code /version}. */
    static final String DOCKER_COMPONENT = "Engine";
    /** Podman's component name in {@code /version}. */
    static final String PODMAN_COMPONENT = "Podman Engine";

    /**
     * @param version the {@code /version} answer, or null when it was denied
     * @return the product; both parts null when nothing is known
     */
    public static EngineProduct of(JsonNode version) {
        if (version == null) {
            return new EngineProduct(null, null);
        }
        JsonNode components = version.path("Components");
        for (JsonNode component : components) {
            String name = component.path("Name").asText("");
            String product = switch (name) {
                case PODMAN_COMPONENT -> "Podman";
                case DOCKER_COMPONENT -> "Docker";
                default -> null;
            };
            if (product != null) {
                String componentVersion = text(component, "Version");
                return new EngineProduct(product, componentVersion != null ? componentVersion : text(version, "Version"));
            }
        }
        return new EngineProduct(null, text(version, "Version"));
    }

    /**
     * The engine's identity from {@code /info}: Docker's {@code ID}, stable per engine. Podman's
     * compat {@code /info} makes up a new random {@code ID} on every call, so a Podman engine is
     * identified by what does not change: its host name and its storage root ({@code Name} and
     * {@code DockerRootDir}; rootful and rootless Podman on one host have different roots).
     *
     * @param info the {@code /info} answer, or null when it was denied
     * @return the id, or null when the answer does not identify the engine
     */
    public String engineId(JsonNode info) {
        if (info == null) {
            return null;
        }
        if ("Podman".equals(name)) {
            String host = text(info, "Name");
            String storage = text(info, "DockerRootDir");
            return host == null || storage == null ? null : "podman:" + host + ":" + storage;
        }
        return text(info, "ID");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isEmpty() ? null : value.asText();
    }
}
