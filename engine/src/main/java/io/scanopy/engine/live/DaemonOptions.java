package io.scanopy.engine.live;

import io.scanopy.engine.discovery.DiscoveryOptions;
import java.time.Duration;

/**
 * How the daemon keeps its inventory current.
 *
 * @param discovery what to discover and how to detect services (as {@code discover} takes it)
 * @param resyncInterval how often every container is inspected again to heal any drift; zero for never
 * @param pollInterval how often the container list is polled where {@code GET /events} is denied
 * @param livenessInterval how often an open event stream's target is pinged ({@code GET /_ping})
 * @param coalesceWindow how long to wait for more events before applying a burst
 * @param initialBackoff the first wait before reconnecting; it doubles, with jitter
 * @param maxBackoff the longest wait before reconnecting
 */
public record DaemonOptions(DiscoveryOptions discovery, Duration resyncInterval, Duration pollInterval, Duration livenessInterval,
                            Duration coalesceWindow, Duration initialBackoff, Duration maxBackoff) {
    /** Periodic full resync by default. */
    public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(5);
    /** Polling period where events are denied, by default. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);

    /** Validates. */
    public DaemonOptions {
        if (resyncInterval.isNegative() || pollInterval.isZero() || pollInterval.isNegative() || livenessInterval.isZero() || livenessInterval.isNegative() || coalesceWindow.isNegative()
                || initialBackoff.isZero() || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("daemon intervals must be positive (resync may be zero: never)");
        }
    }

    /**
     * @param discovery what to discover
     * @return the defaults: resync 5 min, poll 30 s, ping 30 s, bursts coalesced over 20 ms, backoff 0.5 s doubling to 30 s
     */
    public static DaemonOptions defaults(DiscoveryOptions discovery) {
        return new DaemonOptions(discovery, DEFAULT_RESYNC, DEFAULT_POLL, Duration.ofSeconds(30), Duration.ofMillis(20),
                Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /**
     * @param resync the periodic full resync (zero: never)
     * @param poll the polling period where events are denied
     * @return a copy with those intervals
     */
    public DaemonOptions withIntervals(Duration resync, Duration poll) {
        return new DaemonOptions(discovery, resync, poll, livenessInterval, coalesceWindow, initialBackoff, maxBackoff);
    }
}
