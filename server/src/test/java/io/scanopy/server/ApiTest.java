package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.engine.live.TargetHealth;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON routes: health, the inventory with its entity tag, one container. */
class ApiTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.withKey();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthListsTargetsAndIsReadyOnlyWhenAllAreFollowed() throws Exception {
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('a', "1"), "web")));
        server.inventory.setState(Records.TARGET, TargetHealth.State.CONNECTED, null);
        server.inventory.eventReceived(Records.TARGET, Instant.parse("2026-01-01T12:00:00Z"));
        server.inventory.setState("tcp://remote:2375", TargetHealth.State.FAILED, "connection refused");

        JsonNode health = TestServer.json(server.send(server.anonymous("/api/health")));
        assertEquals("up", health.get("status").asText());
        assertFalse(health.get("ready").asBoolean(), "one target failed");
        JsonNode local = health.get("targets").get(0);
        assertEquals(Records.TARGET, local.get("target").asText());
        assertEquals("connected", local.get("state").asText());
        assertEquals("docker-direct", local.get("plugin").asText());
        assertEquals(Records.ENGINE_ID, local.get("engineId").asText());
        assertEquals(1, local.get("containers").asInt());
        assertEquals("2026-01-01T12:00:00Z", local.get("lastEvent").asText());
        assertTrue(local.has("lastResync"));
        JsonNode remote = health.get("targets").get(1);
        assertEquals("failed", remote.get("state").asText());
        assertEquals("connection refused", remote.get("message").asText());

        server.inventory.setState("tcp://remote:2375", TargetHealth.State.POLLING, "events denied");
        HttpResponse<String> response = server.send(server.anonymous("/api/health"));
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(TestServer.json(response).get("ready").asBoolean(), "connected and polling targets are both followed");
    }

    @Test
    void inventoryIsTheSnapshotWithItsEntityTag() throws Exception {
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('a', "1"), "web")));
        HttpResponse<byte[]> response = server.http.send(server.request("/api/inventory").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(server.inventory.snapshot().json(), response.body(), "the snapshot's bytes, as made");
        assertEquals(server.inventory.snapshot().etag(), response.headers().firstValue("ETag").orElseThrow());
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(Long.toString(server.inventory.lastChangeId()), response.headers().firstValue(InventoryEndpoint.LAST_EVENT_ID_HEADER).orElseThrow());
    }

    @ParameterizedTest(name = "If-None-Match: {0}")
    @ValueSource(strings = {"ETAG", "W/ETAG", "\"other\", ETAG", "*"})
    void currentEntityTagGets304ThenAChangeGets200(String ifNoneMatch) throws Exception {
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('a', "1"), "web")));
        String etag = server.get("/api/inventory").headers().firstValue("ETag").orElseThrow();
        String header = ifNoneMatch.replace("ETAG", etag);

        HttpResponse<String> notModified = server.send(server.request("/api/inventory").header("If-None-Match", header));
        assertEquals(304, notModified.statusCode());
        assertEquals("", notModified.body());
        assertEquals(etag, notModified.headers().firstValue("ETag").orElseThrow());

        server.inventory.putContainer(Records.TARGET, Records.container(Records.id('b', "2"), "db"));
        HttpResponse<String> changed = server.send(server.request("/api/inventory").header("If-None-Match", etag));
        assertEquals(200, changed.statusCode(), "the inventory changed: the old tag no longer matches");
        assertNotEquals(etag, changed.headers().firstValue("ETag").orElseThrow());
        assertTrue(changed.body().contains(Records.id('b', "2")));
    }

    @Test
    void otherEntityTagGets200() throws Exception {
        assertEquals(200, server.send(server.request("/api/inventory").header("If-None-Match", "\"something-else\"")).statusCode());
    }

    @Test
    void containerByFullIdAndByPrefix() throws Exception {
        String id = Records.id('c', "42");
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(id, "grafana"), Records.container(Records.id('d', "1"), "other")));
        for (String asked : new String[] {id, id.substring(0, 12), id.substring(0, 30)}) {
            HttpResponse<String> response = server.get("/api/containers/" + asked);
            assertEquals(200, response.statusCode(), asked);
            JsonNode body = TestServer.json(response);
            assertEquals(Records.ENGINE_ID, body.get("engineId").asText());
            assertEquals(id, body.get("container").get("id").asText());
            assertEquals("grafana", body.get("container").get("names").get(0).asText());
            assertEquals("running", body.get("container").get("state").asText());
        }
    }

    @ParameterizedTest(name = "/api/containers/{0} is 404")
    @ValueSource(strings = {"cccccccccc", "ffffffffffffffff", "nope"})
    void unknownOrTooShortIdIs404(String asked) throws Exception {
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('c', "42"), "grafana")));
        HttpResponse<String> response = server.get("/api/containers/" + asked);
        assertEquals(404, response.statusCode());
        assertEquals(404, TestServer.json(response).get("status").asInt());
    }

    @Test
    void containerJsonHasTheInventorySchema() throws Exception {
        String id = Records.id('c', "42");
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(id, "grafana")));
        JsonNode fromRoute = TestServer.json(server.get("/api/containers/" + id)).get("container");
        JsonNode fromInventory = InventoryJson.mapper().readTree(server.inventory.snapshot().json()).get("engines").get(0).get("containers").get(0);
        assertEquals(fromInventory, fromRoute);
    }
}
