package io.scanopy.spi.inventory;

import java.util.List;

/**
 * One engine serving the Docker API (Docker Engine, or another product such as Podman) and what runs on it.
 *
 * @param id the engine's id from {@code /info} (stable per engine), or a stand-in derived from
 *     the address when {@code /info} is denied
 * @param name the engine host's name, or null
 * @param product the product serving the API, as {@code /version}'s components name it: "Docker" for
 *     Docker Engine, "Podman" for Podman; null when {@code /version} is denied or names no known
 *     engine component (since SPI 1.3)
 * @param version the product's version (Docker's or Podman's), or null when {@code /version} is denied
 * @param apiVersion the API version used for discovery, or null for unversioned paths
 * @param os the engine's operating system and architecture, or null
 * @param reachedVia how the engine was reached, once per target that led to it
 * @param capabilities what the engine (or the proxy in front of it) allowed
 * @param containers the containers, ordered by name then id
 * @param networks the networks, ordered by name then id
 * @param notes what was degraded or skipped on this engine, and why
 * @param swarm the Swarm cluster, when the engine is a Swarm manager; null otherwise (since SPI 1.4)
 */
public record DockerEngine(
        String id,
        String name,
        String product,
        String version,
        String apiVersion,
        String os,
        List<Reach> reachedVia,
        CapabilityReport capabilities,
        List<Container> containers,
        List<Network> networks,
        List<Note> notes,
        SwarmCluster swarm) {

    /** Copies the lists. */
    public DockerEngine {
        reachedVia = List.copyOf(reachedVia);
        containers = List.copyOf(containers);
        networks = List.copyOf(networks);
        notes = List.copyOf(notes);
    }

    /**
     * An engine that manages no Swarm cluster: the SPI 1.3 form.
     *
     * @param id the engine's id
     * @param name the host's name, or null
     * @param product the product, or null
     * @param version the version, or null
     * @param apiVersion the API version used, or null
     * @param os the operating system, or null
     * @param reachedVia how it was reached
     * @param capabilities what it allowed
     * @param containers its containers
     * @param networks its networks
     * @param notes its notes
     */
    public DockerEngine(String id, String name, String product, String version, String apiVersion, String os, List<Reach> reachedVia,
            CapabilityReport capabilities, List<Container> containers, List<Network> networks, List<Note> notes) {
        this(id, name, product, version, apiVersion, os, reachedVia, capabilities, containers, networks, notes, null);
    }

    /**
     * An engine whose product is not known: the SPI 1.2 form.
     *
     * @param id the engine's id
     * @param name the host's name, or null
     * @param version the version, or null
     * @param apiVersion the API version used, or null
     * @param os the operating system, or null
     * @param reachedVia how it was reached
     * @param capabilities what it allowed
     * @param containers its containers
     * @param networks its networks
     * @param notes its notes
     */
    public DockerEngine(String id, String name, String version, String apiVersion, String os, List<Reach> reachedVia,
            CapabilityReport capabilities, List<Container> containers, List<Network> networks, List<Note> notes) {
        this(id, name, null, version, apiVersion, os, reachedVia, capabilities, containers, networks, notes, null);
    }

    /**
     * The same engine with other content (the live inventory's current view).
     *
     * @param containers its containers
     * @param networks its networks
     * @param notes its notes
     * @param swarm its cluster, or null
     * @return the engine
     */
    public DockerEngine with(List<Container> containers, List<Network> networks, List<Note> notes, SwarmCluster swarm) {
        return new DockerEngine(id, name, product, version, apiVersion, os, reachedVia, capabilities, containers, networks, notes, swarm);
    }

    /**
     * The product and its version for people: "Podman 4.3.1", "Docker 20.10.24", or just the
     * version when the product is not known.
     *
     * @return the label, or null when the version is not known
     */
    public String productLabel() {
        if (version == null) {
            return null;
        }
        return product == null ? version : product + " " + version;
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
