package io.scanopy.server;

import io.scanopy.engine.live.Change;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The hand-off between the inventory and one event-stream client. The inventory's side never
 * waits: {@link #offer} is called under the inventory's lock, so a client that does not keep up
 * is marked overflowed (its pending changes dropped, it must reload) instead of slowing
 * everyone down. The client's side waits for changes, up to a keep-alive interval.
 */
final class ChangeQueue {
    private final int capacity;
    private final ArrayDeque<Change> pending = new ArrayDeque<>();
    private boolean overflowed;
    private boolean closed;

    /**
     * @param capacity how many changes may wait before the client counts as fallen behind
     */
    ChangeQueue(int capacity) {
        this.capacity = capacity;
    }

    /**
     * What {@link #take} found: changes to send; nothing (time to send a keep-alive); an
     * overflow (send reload, then end); or the end (the server is closing).
     */
    record Batch(List<Change> changes, boolean overflowed, boolean closed) {
        static final Batch NOTHING = new Batch(List.of(), false, false);
    }

    /**
     * Adds a change, never waiting.
     *
     * @param change the change
     */
    synchronized void offer(Change change) {
        if (closed || overflowed) {
            return;
        }
        if (pending.size() >= capacity) {
            overflowed = true;
            pending.clear();
        } else {
            pending.addLast(change);
        }
        notifyAll();
    }

    /** Ends the stream: a waiting {@link #take} returns at once. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * Waits for changes.
     *
     * @param timeoutMillis how long to wait when nothing is pending
     * @return every pending change, or why there is none
     * @throws InterruptedException when interrupted while waiting
     */
    synchronized Batch take(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (pending.isEmpty() && !overflowed && !closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return Batch.NOTHING;
            }
            wait(left);
        }
        if (closed || overflowed) {
            return new Batch(List.of(), overflowed, closed);
        }
        List<Change> changes = List.copyOf(pending);
        pending.clear();
        return new Batch(changes, false, false);
    }
}
