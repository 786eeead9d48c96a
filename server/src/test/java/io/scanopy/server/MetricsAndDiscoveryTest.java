package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Inventory;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Prometheus reads: /metrics and the HTTP service discovery. */
class MetricsAndDiscoveryTest {
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
    void metricsAreTheRegistrysScrapeInTextFormat() throws Exception {
        Counter.builder("scanopy.test.events").description("for the test").register(server.metrics).increment(3);
        HttpResponse<String> response = server.get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().contains("scanopy_test_events_total 3.0"), response.body());
        assertTrue(response.body().contains("scanopy_http_event_streams 0.0"), "the server's own gauge: " + response.body());
    }

    @Test
    void discoveryGivesOneGroupPerPortAndNetworkWithLabels() throws Exception {
        String id = Records.id('a', "1");
        Container grafana = Records.container(id, "grafana", "running", new Container.Compose("monitoring", "grafana"),
                List.of(new Container.Port(3000, "tcp", 3000, "0.0.0.0"), new Container.Port(3000, "tcp", 3000, "::"),
                        new Container.Port(9090, "tcp", null, null), new Container.Port(53, "udp", null, null)),
                List.of(Records.attachment("back", "172.21.0.5"), Records.attachment("front", "172.20.0.5")),
                List.of(Records.service("grafana", "Grafana", 0.95, 3000)));
        server.inventory.replaceAll(Records.TARGET, Records.engine(grafana));

        HttpResponse<String> response = server.get("/api/sd/prometheus");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode groups = TestServer.json(response);
        List<String> targets = new ArrayList<>();
        groups.forEach(g -> targets.add(g.get("targets").get(0).asText() + "@" + g.get("labels").get("__meta_scanopy_network").asText()));
        assertEquals(List.of("172.21.0.5:3000@back", "172.20.0.5:3000@front", "172.21.0.5:9090@back", "172.20.0.5:9090@front"), targets,
                "TCP ports once each (3000 is published twice), on every network; not UDP");

        JsonNode labels = groups.get(0).get("labels");
        assertEquals(Map.of(
                "__meta_scanopy_engine_id", Records.ENGINE_ID,
                "__meta_scanopy_container_id", id,
                "__meta_scanopy_container_name", "grafana",
                "__meta_scanopy_image", "example/grafana:1",
                "__meta_scanopy_compose_project", "monitoring",
                "__meta_scanopy_compose_service", "grafana",
                "__meta_scanopy_network", "back",
                "__meta_scanopy_port", "3000",
                "__meta_scanopy_service", "grafana"), fields(labels));
        assertFalse(groups.get(2).get("labels").has("__meta_scanopy_service"), "no service was detected on 9090");
        for (JsonNode group : groups) {
            group.get("labels").forEach(value -> assertTrue(value.isTextual(), "label values are strings: " + value));
        }
    }

    @Test
    void discoveryLeavesOutStoppedStaleAndAddresslessContainers() throws Exception {
        List<Container.Port> web = List.of(new Container.Port(80, "tcp", null, null));
        server.inventory.replaceAll(Records.TARGET, Records.engine(
                Records.container(Records.id('a', "1"), "stopped", "exited", null, web, List.of(Records.attachment("front", "172.20.0.2")), List.of()),
                Records.container(Records.id('b', "2"), "hostnet", "running", null, web, List.of(Records.attachment("host", null)), List.of()),
                Records.container(Records.id('c', "3"), "live", "running", null, web, List.of(Records.attachment("front", "172.20.0.4")), List.of())));
        server.inventory.markStale("other", Instant.now());
        assertEquals(1, TestServer.json(server.get("/api/sd/prometheus")).size());

        server.inventory.markStale(Records.TARGET, Instant.now());
        assertEquals(0, TestServer.json(server.get("/api/sd/prometheus")).size(), "stale containers are left out");
    }

    @Test
    void containerWideServiceLabelsPortsWithoutEvidence() {
        Container nginx = Records.container(Records.id('a', "1"), "nginx", "running", null, List.of(new Container.Port(80, "tcp", null, null)),
                List.of(Records.attachment("front", "172.20.0.2")), List.of(Records.service("nginx", "nginx", 0.7, null)));
        List<ScrapeTargets.Group> groups = ScrapeTargets.from(new Inventory(1, Instant.now(), List.of(Records.engine(nginx)), List.of()));
        assertEquals("nginx", groups.get(0).labels().get("__meta_scanopy_service"), "a service recognised by image covers every port");
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.properties().forEach(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }
}
