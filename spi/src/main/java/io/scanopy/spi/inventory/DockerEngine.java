package io.scanopy.spi.inventory;

import java.util.List;

/**
 * One Docker engine and what runs on it.
 *
 * @param id the engine's id from {@code /info} (stable per engine), or a stand-in derived from
 *     the address when {@code /info} is denied
 * @param name the engine host's name, or null
 * @param version the Docker version, or null when {@code /version} is denied
 * @param apiVersion the API version used for discovery, or null for unversioned paths
 * @param os the engine's operating system and architecture, or null
 * @param reachedVia how the engine was reached, once per target that led to it
 * @param capabilities what the engine (or the proxy in front of it) allowed
 * @param containers the containers, ordered by name then id
 * @param networks the networks, ordered by name then id
 * @param notes what was degraded or skipped on this engine, and why
 */
public record DockerEngine(
        String id,
        String name,
        String version,
        String apiVersion,
        String os,
        List<Reach> reachedVia,
        CapabilityReport capabilities,
        List<Container> containers,
        List<Network> networks,
        List<Note> notes) {

    /** Copies the lists. */
    public DockerEngine {
        reachedVia = List.copyOf(reachedVia);
        containers = List.copyOf(containers);
        networks = List.copyOf(networks);
        notes = List.copyOf(notes);
    }

    /**
     * How a target reached an engine.
     *
     * @param target the target as the user gave it ("local Docker" or the URL)
     * @param plugin the id of the plugin that served it
     * @param address the transport address actually used
     */
    public record Reach(String target, String plugin, String address) {
    }
}
