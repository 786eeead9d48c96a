package io.scanopy.server;

import io.scanopy.engine.live.Change;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One event-stream client: changes handed over by the inventory wait in its own bounded queue
 * and are written by the request's thread, so a slow client only ever slows itself down.
 */
final class SseSession {
    static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final Response response;
    private final ChangeQueue queue;
    private final long keepAliveMillis;
    private final LongSupplier lastChangeId;

    /**
     * @param response the response, headers set, not committed
     * @param queueCapacity how many changes may wait before the client must reload
     * @param keepAliveMillis how long the stream may stay silent before a comment is sent
     * @param lastChangeId the inventory's latest change id, for the reload event
     */
    SseSession(Response response, int queueCapacity, long keepAliveMillis, LongSupplier lastChangeId) {
        this.response = response;
        this.queue = new ChangeQueue(queueCapacity);
        this.keepAliveMillis = keepAliveMillis;
        this.lastChangeId = lastChangeId;
    }

    /**
     * The inventory's listener: called under its lock, only enqueues.
     *
     * @param change the change
     */
    void offer(Change change) {
        queue.offer(change);
    }

    /** Ends the stream (the server is closing): the writing thread returns at once. */
    void close() {
        queue.close();
    }

    /**
     * Writes the preamble, then changes as they come, until the server closes, the client
     * falls behind (it is sent {@code reload} and let go) or goes away (an exception). On a
     * normal return the response is complete.
     *
     * @param preamble what to send first
     * @throws IOException when the client is gone
     * @throws InterruptedException when the server's threads are stopped
     */
    void stream(String preamble) throws IOException, InterruptedException {
        write(false, preamble);
        while (true) {
            ChangeQueue.Batch batch = queue.take(keepAliveMillis);
            if (batch.closed()) {
                write(true, "");
                return;
            }
            if (batch.overflowed()) {
                write(true, reload(lastChangeId.getAsLong()));
                return;
            }
            write(false, batch.changes().isEmpty() ? KEEP_ALIVE : events(batch.changes()));
        }
    }

    /**
     * @param changes changes, in order
     * @return one event per change: {@code id}, {@code event} (the kind), {@code data} (the change as JSON, one line)
     */
    static String events(List<Change> changes) {
        StringBuilder text = new StringBuilder();
        for (Change change : changes) {
            text.append("id: ").append(change.id()).append('\n')
                    .append("event: ").append(change.kind().name().toLowerCase(Locale.ROOT)).append('\n')
                    .append("data: ").append(Json.write(change)).append("\n\n");
        }
        return text.toString();
    }

    /**
     * The client must load {@code /api/inventory} again: changes it needs are no longer kept
     * (or it fell behind). Carries no {@code id}: the client has not seen the changes up to
     * {@code lastChangeId}; the data says where the stream stands.
     *
     * @param lastChangeId the latest change id
     * @return the event
     */
    static String reload(long lastChangeId) {
        return "event: reload\ndata: {\"lastEventId\":" + lastChangeId + "}\n\n";
    }

    /**
     * Writes and waits. The last write is waited for too: the stream is over on return, so a
     * closing server does not cut a response it is still finishing.
     */
    private void write(boolean last, String text) throws IOException {
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
            written.block();
        }
    }
}
