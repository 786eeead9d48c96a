package io.scanopy.engine.live;

/**
 * One change to the live inventory, numbered in the order it was made.
 *
 * @param id monotonically increasing, also across daemon restarts (it starts from the clock); the Server-Sent Events id
 * @param kind added, changed or removed
 * @param type what changed: {@code container}, {@code network} or {@code swarm} (the whole cluster)
 * @param engineId the engine it belongs to
 * @param objectId the container's or network's id (a derived network without id: its name), or the cluster's id
 * @param value the container, network or cluster as it is now; null when removed
 */
public record Change(long id, Kind kind, String type, String engineId, String objectId, Object value) {
    /** What happened to the object. */
    public enum Kind {
        /** New in the inventory. */
        ADDED,
        /** Still there, different. */
        CHANGED,
        /** Gone from the inventory. */
        REMOVED
    }

    /** {@link #type()} of a container change. */
    public static final String CONTAINER = "container";
    /** {@link #type()} of a network change. */
    public static final String NETWORK = "network";
    /** {@link #type()} of a change to a Swarm cluster (nodes, services or tasks): the value is the whole cluster. */
    public static final String SWARM = "swarm";
}
