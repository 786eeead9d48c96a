package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.server.EventStreamClient.Event;
import io.scanopy.spi.inventory.Container;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /api/changes: live changes in order, resuming, reload, keep-alive, slow clients. */
class ChangeStreamTest {
    private TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void addedChangedRemovedArriveInOrderWithIncreasingIds() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine());
        String id = Records.id('a', "1");
        try (EventStreamClient stream = EventStreamClient.open(server, "/api/changes")) {
            HttpResponse<?> response = stream.response;
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
            stream.expectPreamble();

            Container v1 = Records.container(id, "web");
            server.inventory.putContainer(Records.TARGET, v1);
            server.inventory.putContainer(Records.TARGET, Records.container(id, "web", "exited", null, List.of(), List.of(), List.of()));
            server.inventory.removeContainer(Records.TARGET, id);

            List<Event> events = stream.nextChanges(3);
            assertEquals(List.of("added", "changed", "removed"), events.stream().map(Event::event).toList());
            long previous = 0;
            for (Event event : events) {
                JsonNode data = InventoryJson.mapper().readTree(event.data());
                assertEquals(Long.parseLong(event.id()), data.get("id").asLong(), "the event id is the change id");
                assertTrue(data.get("id").asLong() > previous, "ids increase");
                previous = data.get("id").asLong();
                assertEquals(event.event(), data.get("kind").asText());
                assertEquals("container", data.get("type").asText());
                assertEquals(Records.ENGINE_ID, data.get("engineId").asText());
                assertEquals(id, data.get("objectId").asText());
                assertFalse(event.data().contains("\n"), "one data line");
            }
            JsonNode added = InventoryJson.mapper().readTree(events.get(0).data()).get("value");
            assertEquals(InventoryJson.mapper().valueToTree(v1), added, "the container as the inventory's JSON has it");
            assertEquals("exited", InventoryJson.mapper().readTree(events.get(1).data()).get("value").get("state").asText());
            assertFalse(InventoryJson.mapper().readTree(events.get(2).data()).has("value"), "a removal carries no value");
        }
    }

    @Test
    void networkChangesAreTyped() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine());
        try (EventStreamClient stream = EventStreamClient.open(server, "/api/changes")) {
            stream.expectPreamble();
            server.inventory.putNetwork(Records.TARGET, Records.network("front"));
            JsonNode data = InventoryJson.mapper().readTree(stream.nextChanges(1).get(0).data());
            assertEquals("network", data.get("type").asText());
            assertEquals("front", data.get("value").get("name").asText());
        }
    }

    @Test
    void withoutIdTheStreamStartsAtTheCurrentPoint() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('a', "1"), "old")));
        try (EventStreamClient stream = EventStreamClient.open(server, "/api/changes")) {
            stream.expectPreamble();
            server.inventory.putContainer(Records.TARGET, Records.container(Records.id('b', "2"), "new"));
            Event event = stream.nextChanges(1).get(0);
            assertEquals(Long.toString(server.inventory.lastChangeId()), event.id(), "nothing from before the connection");
        }
    }

    @Test
    void resumingWithLastEventIdReplaysExactlyTheMissedChanges() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine());
        long seen;
        try (EventStreamClient stream = EventStreamClient.open(server, "/api/changes")) {
            stream.expectPreamble();
            server.inventory.putContainer(Records.TARGET, Records.container(Records.id('a', "1"), "one"));
            seen = Long.parseLong(stream.nextChanges(1).get(0).id());
        }
        server.inventory.putContainer(Records.TARGET, Records.container(Records.id('b', "2"), "two"));
        server.inventory.putContainer(Records.TARGET, Records.container(Records.id('c', "3"), "three"));
        server.inventory.removeContainer(Records.TARGET, Records.id('a', "1"));

        try (EventStreamClient header = EventStreamClient.open(server, server.request("/api/changes").header("Last-Event-ID", Long.toString(seen)));
             EventStreamClient query = EventStreamClient.open(server, "/api/changes?lastEventId=" + seen)) {
            for (EventStreamClient stream : List.of(header, query)) {
                stream.expectPreamble();
                List<Event> missed = stream.nextChanges(3);
                assertEquals(List.of(seen + 1, seen + 2, seen + 3), missed.stream().map(e -> Long.parseLong(e.id())).toList());
                assertEquals(List.of("added", "added", "removed"), missed.stream().map(Event::event).toList());
                stream.expectNoChange(Duration.ofMillis(200));
            }
            server.inventory.putContainer(Records.TARGET, Records.container(Records.id('d', "4"), "four"));
            for (EventStreamClient stream : List.of(header, query)) {
                assertEquals(Long.toString(server.inventory.lastChangeId()), stream.nextChanges(1).get(0).id(), "then live");
            }
        }
    }

    @Test
    void headerWinsOverQuery() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine());
        long base = server.inventory.lastChangeId();
        for (int i = 0; i < 3; i++) {
            server.inventory.putContainer(Records.TARGET, Records.container(Records.id('a', Integer.toString(i)), "c" + i));
        }
        // An EventSource reconnecting keeps its first URL and adds the header with the newer id.
        try (EventStreamClient stream = EventStreamClient.open(server, server.request("/api/changes?lastEventId=" + (base + 1)).header("Last-Event-ID", Long.toString(base + 2)))) {
            stream.expectPreamble();
            assertEquals(Long.toString(base + 3), stream.nextChanges(1).get(0).id());
        }
    }

    @Test
    void idOutOfTheWindowGetsReloadThenContinues() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine());
        for (int i = 0; i < TestServer.WINDOW + 10; i++) {
            server.inventory.putContainer(Records.TARGET, Records.container(Records.id('a', Integer.toString(i)), "c" + i));
        }
        long now = server.inventory.lastChangeId();
        try (EventStreamClient stream = EventStreamClient.open(server, server.request("/api/changes").header("Last-Event-ID", "1"))) {
            stream.expectPreamble();
            Event reload = stream.next();
            assertEquals("reload", reload.event());
            assertEquals(now, InventoryJson.mapper().readTree(reload.data()).get("lastEventId").asLong());
            server.inventory.putContainer(Records.TARGET, Records.container(Records.id('b', "1"), "after"));
            assertEquals(Long.toString(now + 1), stream.nextChanges(1).get(0).id(), "the stream goes on from the current point");
        }
    }

    @Test
    void idNotGivenByThisDaemonGetsReload() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('a', "1"), "one")));
        for (String id : List.of("999", "-5", "abc")) {
            try (EventStreamClient stream = EventStreamClient.open(server, server.request("/api/changes").header("Last-Event-ID", id))) {
                stream.expectPreamble();
                assertEquals("reload", stream.next().event(), id);
            }
        }
    }

    @Test
    void keepAliveCommentsWhileQuiet() throws Exception {
        server = TestServer.withKey(new ChangeStream.Options(Duration.ofMillis(100), 1_000, 4));
        try (EventStreamClient stream = EventStreamClient.open(server, "/api/changes")) {
            stream.expectPreamble();
            Event event = stream.next(Duration.ofSeconds(2));
            assertEquals("keep-alive", event.comment());
            assertNull(event.event());
        }
    }

    @Test
    void clientThatFallsBehindGetsReloadAndIsLetGo() throws Exception {
        // A queue of 1 and a burst of changes under one lock: the writer cannot keep up.
        server = TestServer.withKey(new ChangeStream.Options(Duration.ofSeconds(15), 1, 4));
        try (EventStreamClient stream = EventStreamClient.open(server, "/api/changes")) {
            stream.expectPreamble();
            Container[] many = new Container[200];
            for (int i = 0; i < many.length; i++) {
                many[i] = Records.container(Records.id('a', Integer.toString(i)), "c" + i);
            }
            server.inventory.replaceAll(Records.TARGET, Records.engine(many));
            Event event;
            do {
                event = stream.next();
            } while (!"reload".equals(event.event()) && event != EventStreamClient.END);
            assertEquals("reload", event.event(), "a client that fell behind is told to reload");
            assertSame(EventStreamClient.END, stream.next(), "and disconnected");
        }
    }

    @Test
    void tooManyStreamsGet503() throws Exception {
        server = TestServer.withKey(new ChangeStream.Options(Duration.ofSeconds(15), 10, 1));
        try (EventStreamClient first = EventStreamClient.open(server, "/api/changes")) {
            first.expectPreamble();
            HttpResponse<String> second = server.get("/api/changes");
            assertEquals(503, second.statusCode());
            assertEquals(503, TestServer.json(second).get("status").asInt());
        }
    }

    @Test
    void closeEndsOpenStreamsQuickly() throws Exception {
        server = TestServer.withKey();
        try (EventStreamClient first = EventStreamClient.open(server, "/api/changes");
             EventStreamClient second = EventStreamClient.open(server, "/api/changes")) {
            first.expectPreamble();
            second.expectPreamble();
            long start = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "close took " + took);
            assertSame(EventStreamClient.END, first.next(Duration.ofSeconds(2)), "the stream ends");
            assertSame(EventStreamClient.END, second.next(Duration.ofSeconds(2)), "the stream ends");
        }
    }
}
