package io.scanopy.server;

import io.scanopy.engine.live.LiveInventory;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/changes}: the inventory's changes as Server-Sent Events.
 *
 * <p>Where a client starts: with {@code Last-Event-ID} (the header an EventSource sends when it
 * reconnects, or {@code ?lastEventId=} on a first connection) it is sent exactly the changes it
 * missed; when those are no longer kept, or more than its queue holds, or the id is not one this
 * daemon gave (a restarted daemon numbers from 1 again), it is sent {@code reload} and continues
 * from the current point. Without an id it starts at the current point: it loads
 * {@code /api/inventory} once the stream is open.
 *
 * <p>Each client holds one of the server's threads while connected, so their number is capped.
 */
final class ChangeStream implements Route, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeStream.class);
    /** How long the browser waits before reconnecting a dropped stream. */
    static final int RETRY_MILLIS = 2000;
    /** How long {@link #close} waits for streams to finish; a stream stuck on a dead client is left to the server's stop. */
    private static final Duration CLOSE_WAIT = Duration.ofMillis(500);

    private final LiveInventory inventory;
    private final Options options;
    private final Semaphore slots;
    private final Set<SseSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param keepAlive how long a stream may stay silent before a comment is sent (proxies and
     *     the connection's idle timeout close silent connections)
     * @param queueCapacity changes a client may have pending before it must reload
     * @param maxClients streams open at once
     */
    record Options(Duration keepAlive, int queueCapacity, int maxClients) {
        static final Options DEFAULT = new Options(Duration.ofSeconds(15), 1_000, 32);
    }

    ChangeStream(LiveInventory inventory, Options options) {
        this.inventory = inventory;
        this.options = options;
        this.slots = new Semaphore(options.maxClients());
    }

    /**
     * @return the streams open now
     */
    int clients() {
        return sessions.size();
    }

    @Override
    public void handle(Request request, Response response, Callback callback) throws Exception {
        if (closed || !slots.tryAcquire()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
            Responses.error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, closed ? "the daemon is stopping" : "too many event streams are open");
            return;
        }
        try {
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            // Reverse proxies (nginx) would otherwise buffer the stream.
            response.getHeaders().put("X-Accel-Buffering", "no");
            if (HttpMethod.HEAD.is(request.getMethod())) {
                response.write(true, null, callback);
                return;
            }
            stream(request, response, callback);
        } finally {
            slots.release();
        }
    }

    private void stream(Request request, Response response, Callback callback) throws Exception {
        SseSession session = new SseSession(response, options.queueCapacity(), options.keepAlive().toMillis(), inventory::lastChangeId);
        sessions.add(session);
        if (closed) {
            session.close();
        }
        Start start = subscribe(lastEventId(request), session);
        try {
            session.stream("retry: " + RETRY_MILLIS + "\n\n" + start.reload());
            callback.succeeded();
        } catch (IOException e) {
            LOG.debug("event stream client gone: {}", e.toString());
            callback.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } finally {
            start.subscription().close();
            sessions.remove(session);
        }
    }

    /** Where a stream starts: its subscription, and the reload event to send first (or nothing). */
    private record Start(AutoCloseable subscription, String reload) {
    }

    /**
     * Subscribes the session where the client stands. The subscription queues the missed
     * changes before anything is written, so they follow the preamble.
     */
    private Start subscribe(Long resumeFrom, SseSession session) {
        if (resumeFrom != null && resumable(resumeFrom)) {
            Optional<AutoCloseable> resumed = inventory.subscribe(resumeFrom, session::offer);
            if (resumed.isPresent()) {
                return new Start(resumed.get(), "");
            }
        }
        while (true) {
            long now = inventory.lastChangeId();
            // Empty only if the whole window turned over since the line above: try again.
            Optional<AutoCloseable> current = inventory.subscribe(now, session::offer);
            if (current.isPresent()) {
                return new Start(current.get(), resumeFrom == null ? "" : SseSession.reload(now));
            }
        }
    }

    /** An id this daemon gave, recent enough for the client's queue; the window is checked by subscribe. */
    private boolean resumable(long id) {
        long last = inventory.lastChangeId();
        return id >= 0 && id <= last && last - id <= options.queueCapacity();
    }

    /**
     * @return the id from the header (it wins: an EventSource reconnecting sends it with the
     *     first connection's query), else from the query; null when neither; -1 when not a number
     */
    private static Long lastEventId(Request request) {
        HttpField header = request.getHeaders().getField("Last-Event-ID");
        String value = header != null ? header.getValue() : Request.extractQueryParameters(request).getValue("lastEventId");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    /**
     * Ends every stream and waits (briefly) until they are finished; new ones are refused.
     * Stopping Jetty while a stream is still writing its end would cut it mid-write.
     */
    @Override
    public void close() {
        closed = true;
        sessions.forEach(SseSession::close);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
