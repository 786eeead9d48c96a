package io.scanopy.engine.live;

import java.time.Instant;

/**
 * How the daemon is doing with one target.
 *
 * @param target the target as configured
 * @param state where the connection stands
 * @param plugin the plugin serving it, or null before the first connection
 * @param engineId the engine behind it, or null before the first connection
 * @param containers containers of this target in the inventory
 * @param lastEvent when the last Docker event arrived, or null
 * @param lastResync when the last full resync finished, or null
 * @param message why the target is reconnecting, polling or failed; null when connected
 */
public record TargetHealth(String target, State state, String plugin, String engineId, int containers, Instant lastEvent, Instant lastResync, String message) {
    /** Where a target's connection stands. */
    public enum State {
        /** First connection under way. */
        CONNECTING,
        /** Following Docker's events. */
        CONNECTED,
        /** Lost; trying again with backoff. Its containers are kept, marked stale. */
        RECONNECTING,
        /** Events are denied: the container list is polled instead. */
        POLLING,
        /** Cannot work as configured (settings, or a required endpoint denied); retried slowly. */
        FAILED;

        /**
         * @return whether the target's containers are current in this state (followed or polled)
         */
        public boolean ready() {
            return this == CONNECTED || this == POLLING;
        }
    }
}
