package io.scanopy.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.Fallback;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.SwarmCluster;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InventoryJsonTest {

    private static JsonSchema schema() throws Exception {
        try (InputStream in = InventoryJson.class.getResourceAsStream("inventory.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    /** An inventory using every field, including every optional one. */
    static Inventory fullInventory(Map<String, String> labels) {
        Container web = new Container("a1b2c3d4e5f6a1b2c3d4e5f6", List.of("web"), "nginx:1.27", "sha256:aa", "running", "Up 3 minutes",
                Instant.parse("2026-11-01T10:00:00Z"), Instant.parse("2026-11-01T10:00:01Z"), labels, new Container.Compose("shop", "web"), "nginx -g daemon off;",
                List.of(new Container.Port(80, "tcp", 8080, "127.0.0.1"), new Container.Port(443, "tcp", null, null)),
                List.of(new NetworkAttachment("n1", "front", "172.20.0.2", 16, "172.20.0.1", "fd00::2", "02:42:ac:14:00:02", List.of("web", "www"))),
                List.of(new DetectedService("nginx", "nginx", 0.9, List.of(new DetectedService.Evidence("exec", "nginx-server-header", 80, "/", 200, "Server: nginx")))),
                Container.Detail.INSPECT);
        Container lonely = new Container("ffffffffffff", List.of(), "busybox", "sha256:bb", "exited", "Exited (0)", null, null, Map.of(), null, null,
                List.of(), List.of(), List.of(), Container.Detail.LIST_ONLY).asStale(Instant.parse("2026-11-27T11:59:00Z"));
        CapabilityReport report = new CapabilityReport(List.of(
                new CapabilityReport.Check(DockerEndpoint.LIST_CONTAINERS, "list-containers", CapabilityReport.Status.ALLOWED, null, null, null, null, null),
                new CapabilityReport.Check(DockerEndpoint.LIST_NETWORKS, "list-networks", CapabilityReport.Status.DENIED, 403, "proxy",
                        "<html><body><h1>403 Forbidden</h1>", Fallback.DERIVED_SUBNETS, "Set NETWORKS=1 on the proxy"),
                new CapabilityReport.Check(DockerEndpoint.EXEC_CREATE, "exec-create", CapabilityReport.Status.NOT_CHECKED, null, null, null, null, null),
                new CapabilityReport.Check(DockerEndpoint.LIST_NODES, "list-nodes", CapabilityReport.Status.DENIED, 403, "proxy",
                        "<html><body><h1>403 Forbidden</h1>", Fallback.LOCAL_NODE_ONLY, "set NODES=1 in the docker-socket-proxy's environment")));
        SwarmCluster swarm = new SwarmCluster("cluster1", "node1", List.of(new SwarmCluster.Node("node1", "host-1", "manager", "active", "ready", "10.0.0.1",
                "26.1.5", true, Map.of("zone", "a"))),
                List.of(new SwarmCluster.Service("svc1", "shop_web", "replicated", 2, "nginx:1.27", "shop", Map.of("com.docker.stack.namespace", "shop"),
                        List.of(new SwarmCluster.Port("tcp", 80, 8080, "ingress")), List.of(new SwarmCluster.NetworkRef("ov1", "shop_default")),
                        List.of(new SwarmCluster.VirtualIp("ov1", "shop_default", "10.0.1.2/24")))),
                List.of(new SwarmCluster.Task("task1", "svc1", "shop_web", 1, "node1", "running", "running", "started", "no error",
                        "a1b2c3d4e5f6a1b2c3d4e5f6", true, List.of(new SwarmCluster.Attachment("ov1", "shop_default", List.of("10.0.1.3/24"))))));
        DockerEngine engine = new DockerEngine("ENGINE:ID", "host-1", "Docker", "20.10.24", "1.41", "Debian GNU/Linux 12", List.of(new DockerEngine.Reach("local Docker", "docker-direct", "unix:///var/run/docker.sock")),
                report, List.of(lonely, web), List.of(new Network("n1", "front", "bridge", "local", false, List.of(new Network.Subnet("172.20.0.0/16", "172.20.0.1", false))),
                        new Network(null, "derived", null, null, null, List.of(new Network.Subnet("10.0.0.0/24", null, true)))),
                List.of(new Note(Note.Level.WARNING, "degraded", "list-networks", "subnets are derived")), swarm);
        return new Inventory(Inventory.SCHEMA_VERSION, Instant.parse("2026-11-27T12:00:00Z"), List.of(engine),
                List.of(new Note(Note.Level.ERROR, "target-failed", "http://proxy:2375", "Connection refused")));
    }

    @Test
    void everyFieldConformsToThePublishedSchema() throws Exception {
        JsonNode json = new ObjectMapper().readTree(InventoryJson.toJson(fullInventory(Map.of("a", "b"))));
        Set<ValidationMessage> errors = schema().validate(json);
        assertTrue(errors.isEmpty(), () -> "schema violations: " + errors);
        assertEquals("local-node-only", json.at("/engines/0/capabilities/checks/3/fallback").asText());
        assertEquals("shop", json.at("/engines/0/swarm/services/0/stack").asText());
        assertTrue(json.at("/engines/0/swarm/tasks/0/containerDiscovered").asBoolean());
        assertEquals(1, json.get("schemaVersion").asInt());
        assertEquals("Docker", json.at("/engines/0/product").asText());
        assertEquals("GET /networks", json.at("/engines/0/capabilities/checks/1/endpoint").asText());
        assertEquals("derived-subnets", json.at("/engines/0/capabilities/checks/1/fallback").asText());
        assertEquals("list-only", json.at("/engines/0/containers/0/detail").asText());
        assertFalse(json.at("/engines/0/containers/0").has("compose"), "unknown values are omitted, not null");
        assertTrue(json.at("/engines/0/containers/0/stale").asBoolean(), "the daemon's stale mark is in the schema");
        assertEquals("2026-11-27T11:59:00Z", json.at("/engines/0/containers/0/lastSeen").asText());
        assertFalse(json.at("/engines/0/containers/1").has("stale"), "a current container carries no stale mark");
    }

    @Test
    void theSchemaRejectsWhatTheModelCannotProduce() throws Exception {
        JsonNode bad = new ObjectMapper().readTree("{\"schemaVersion\":1,\"generatedAt\":\"2026-11-27T12:00:00Z\",\"engines\":[],\"notes\":[],\"extra\":1}");
        assertFalse(schema().validate(bad).isEmpty());
    }

    @Test
    void sameStateGivesSameBytesWhateverTheMapOrder() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("a", "1");
        forward.put("z", "2");
        forward.put("m", "3");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("m", "3");
        backward.put("z", "2");
        backward.put("a", "1");
        String one = InventoryJson.toJson(fullInventory(forward));
        String two = InventoryJson.toJson(fullInventory(backward));
        assertEquals(one, two);
        assertTrue(one.indexOf("\"a\" : \"1\"") < one.indexOf("\"m\" : \"3\"") && one.indexOf("\"m\" : \"3\"") < one.indexOf("\"z\" : \"2\""), "labels sorted by key");
        assertTrue(one.indexOf("\"engines\"") < one.indexOf("\"generatedAt\"") && one.indexOf("\"generatedAt\"") < one.indexOf("\"schemaVersion\""), "properties sorted by name");
    }
}
