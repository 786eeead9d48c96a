package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client over the JDK's HttpClient: a reader thread parses the stream into
 * {@link Event}s (comments and {@code retry} included, so tests can see them).
 */
final class EventStreamClient implements AutoCloseable {
    /** One dispatched block; a comment-only block has only {@code comment}. */
    record Event(String id, String event, String data, String retry, String comment) {
    }

    /** Put on the queue when the stream ends. */
    static final Event END = new Event(null, "(end of stream)", null, null, null);

    final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private EventStreamClient(HttpResponse<InputStream> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static EventStreamClient open(TestServer server, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = server.http.send(request.header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return new EventStreamClient(response);
    }

    static EventStreamClient open(TestServer server, String pathAndQuery) throws IOException, InterruptedException {
        return open(server, server.request(pathAndQuery));
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            String data = null;
            String retry = null;
            String comment = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    events.add(new Event(id, event, data, retry, comment));
                    id = event = data = retry = comment = null;
                } else if (line.startsWith(":")) {
                    comment = line.substring(1).strip();
                } else {
                    int colon = line.indexOf(':');
                    String field = line.substring(0, colon);
                    String value = line.substring(colon + 1).stripLeading();
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? value : data + "\n" + value;
                        case "retry" -> retry = value;
                        default -> throw new IllegalStateException("unexpected field: " + line);
                    }
                }
            }
        } catch (IOException e) {
            // closed by the test
        } finally {
            events.add(END);
        }
    }

    /** The next block, failing after a timeout. */
    Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return event;
    }

    Event next() throws InterruptedException {
        return next(Duration.ofSeconds(5));
    }

    /** The next blocks that are change events, skipping keep-alive comments. */
    List<Event> nextChanges(int count) throws InterruptedException {
        List<Event> changes = new ArrayList<>();
        while (changes.size() < count) {
            Event event = next();
            if (event.comment() == null) {
                changes.add(event);
            }
        }
        return changes;
    }

    /** Asserts that the stream opened with the retry interval and nothing else. */
    void expectPreamble() throws InterruptedException {
        Event first = next();
        assertEquals(Integer.toString(ChangeStream.RETRY_MILLIS), first.retry());
        assertNull(first.event());
    }

    /** Asserts nothing but comments arrives for a while. */
    void expectNoChange(Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            Event event = events.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && event.comment() == null) {
                throw new AssertionError("unexpected " + event);
            }
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
