package io.scanopy.spi;

/** What discovery does instead when an endpoint is denied. */
public enum Fallback {
    /** Nothing can replace the endpoint: discovery of the target fails with an explanation. */
    NONE("nothing can be discovered without it"),
    /** Send unversioned paths instead of negotiating an API version. */
    UNVERSIONED_PATHS("unversioned API paths are used"),
    /** Skip the call; the inventory simply lacks what it would have added. */
    OMIT("the information it gives is left out"),
    /** Use the container list's data for each container instead of inspecting it. */
    LIST_DATA_ONLY("containers are described from the list only (no config, command or exposed-only details)"),
    /** Derive each subnet from container addresses and prefix lengths. */
    DERIVED_SUBNETS("subnets are derived from container addresses and prefix lengths"),
    /** Detect services without exec, from what the Docker API shows. */
    DETECTION_WITHOUT_EXEC("service detection uses only image, label and port rules"),
    /** Find changes by listing containers periodically instead of following events (since SPI 1.1). */
    POLLING("changes are found by polling the container list (the daemon's --poll-interval) instead of following events"),
    /** Leave the Swarm cluster out, or the part of it the endpoint reads: the engine's own containers are still discovered (since SPI 1.4). */
    LOCAL_NODE_ONLY("this node's containers only: the Swarm cluster's nodes, services or tasks it would list are left out");

    private final String effect;

    Fallback(String effect) {
        this.effect = effect;
    }

    /**
     * @return what the inventory loses, in a phrase for reports
     */
    public String effect() {
        return effect;
    }
}
