package io.scanopy.engine.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.spi.inventory.SwarmCluster;
import io.scanopy.spi.inventory.SwarmCluster.Attachment;
import io.scanopy.spi.inventory.SwarmCluster.NetworkRef;
import io.scanopy.spi.inventory.SwarmCluster.Port;
import io.scanopy.spi.inventory.SwarmCluster.Service;
import io.scanopy.spi.inventory.SwarmCluster.Task;
import io.scanopy.spi.inventory.SwarmCluster.VirtualIp;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every fixture here was captured from a real Docker 26.1.5 single-node Swarm
 * ({@code curl --unix-socket /run/docker26.sock http://d/v1.45/nodes|services|tasks}), with a
 * replicated service on an overlay network publishing an ingress port (fix-web), a global
 * service publishing a host-mode port (fix-agent), a stack service (fixstack_api), a replicated
 * job that completed (fix-job), a service whose image does not exist (fix-missing, its tasks
 * rejected) and one scaled to zero publishing a UDP port (fix-zero); and {@code /info} from the
 * same manager and from a Docker 20.10 engine outside any Swarm.
 */
class SwarmMappingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXNET = "r97zlvoan85qpd1uj7yxdkst1";
    private static final String INGRESS = "lcm24whj233jk0k150nb6g7ds";
    private static final String STACK_NET = "qkxp5725t5ykicufn21ezkdlq";
    /** Names as the manager's {@code /networks} lists them; one left out, to show an unnamed reference. */
    private static final Map<String, String> NETWORK_NAMES = Map.of(FIXNET, "fixnet", INGRESS, "ingress");

    private static JsonNode fixture(String name) {
        try (InputStream in = SwarmMappingTest.class.getResourceAsStream(name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(name, e);
        }
    }

    static Stream<Arguments> infos() {
        return Stream.of(
                Arguments.of("manager (Docker 26.1)", fixture("docker26-info-swarm.json"), true),
                Arguments.of("outside any Swarm (Docker 20.10)", fixture("docker20-info-swarm-inactive.json"), false),
                Arguments.of("worker: active, no control", JSON.createObjectNode().set("Swarm",
                        JSON.createObjectNode().put("LocalNodeState", "active").put("ControlAvailable", false)), false),
                Arguments.of("Podman-like: no Swarm key", JSON.createObjectNode().put("Name", "podman"), false),
                Arguments.of("/info denied", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("infos")
    void onlyAnActiveManagerIsAskedForTheCluster(String what, JsonNode info, boolean manager) {
        assertEquals(manager, SwarmMapping.isManager(info), what);
    }

    @Test
    void clusterIdentityComesFromInfo() {
        JsonNode info = fixture("docker26-info-swarm.json");
        assertEquals("49lwguxjh91sglcwfwrjxj0d4", SwarmMapping.clusterId(info));
        assertEquals("cun3zk5rd4tg0dpeve77ceuwn", SwarmMapping.nodeId(info));
    }

    @Test
    void nodes() {
        List<SwarmCluster.Node> nodes = SwarmMapping.nodes(fixture("docker26-nodes.json"));
        assertEquals(List.of(new SwarmCluster.Node("cun3zk5rd4tg0dpeve77ceuwn", "vm", "manager", "active", "ready", "127.0.0.1",
                "26.1.5+dfsg1", true, Map.of("zone", "a"))), nodes);
    }

    static Stream<Arguments> services() {
        return Stream.of(
                Arguments.of("fix-web", new Service("lw20o0j73hvjngvs56yw35vdo", "fix-web", "replicated", 2, "scanopy-testkit/busybox:1", null,
                        Map.of("scanopy.test", "swarm-fixture"), List.of(new Port("tcp", 80, 18080, "ingress")), List.of(new NetworkRef(FIXNET, "fixnet")),
                        List.of(new VirtualIp(INGRESS, "ingress", "10.227.0.3/24"), new VirtualIp(FIXNET, "fixnet", "10.227.1.2/24")))),
                Arguments.of("fix-agent", new Service("4mw3l0ro1mx1q5sno3uq0ugjh", "fix-agent", "global", null, "scanopy-testkit/busybox:1", null,
                        Map.of("scanopy.test", "swarm-fixture"), List.of(new Port("tcp", 81, 18081, "host")), List.of(), List.of())),
                Arguments.of("fixstack_api", new Service("bg7p49zjtj43n3vrv22oavnuj", "fixstack_api", "replicated", 1, "scanopy-testkit/busybox:1", "fixstack",
                        Map.of("com.docker.stack.image", "scanopy-testkit/busybox:1", "com.docker.stack.namespace", "fixstack"), List.of(),
                        List.of(new NetworkRef(STACK_NET, null)), List.of(new VirtualIp(STACK_NET, null, "10.227.2.2/24")))),
                Arguments.of("fix-job", new Service("7z0zki2b52ec4bjqhs32gcx6f", "fix-job", "replicated-job", 1, "scanopy-testkit/busybox:1", null,
                        Map.of("scanopy.test", "swarm-fixture"), List.of(), List.of(), List.of())),
                Arguments.of("fix-zero", new Service("y0llxayhdzyhe5fat9nz48560", "fix-zero", "replicated", 0, "scanopy-testkit/busybox:1", null,
                        Map.of("scanopy.test", "swarm-fixture"), List.of(new Port("udp", 82, 18082, "ingress")), List.of(),
                        List.of(new VirtualIp(INGRESS, "ingress", "10.227.0.6/24")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void services(String name, Service expected) {
        List<Service> services = SwarmMapping.services(fixture("docker26-services.json"), NETWORK_NAMES);
        assertEquals(expected, services.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow());
    }

    @Test
    void servicesAreOrderedByName() {
        assertEquals(List.of("fix-agent", "fix-job", "fix-missing", "fix-web", "fix-zero", "fixstack_api"),
                SwarmMapping.services(fixture("docker26-services.json"), NETWORK_NAMES).stream().map(Service::name).toList());
    }

    static Stream<Arguments> tasks() {
        String node = "cun3zk5rd4tg0dpeve77ceuwn";
        return Stream.of(
                Arguments.of("replica 1 of fix-web: both networks with addresses", new Task("nmdbymvee3bg4nm7rbcp0z1ru", "lw20o0j73hvjngvs56yw35vdo", "fix-web", 1, node,
                        "running", "running", "started", null, "df8b7ceabd92a5da9302e15ef9df5565d897c1438b767357e9154a59f288dd71", false,
                        List.of(new Attachment(INGRESS, "ingress", List.of("10.227.0.4/24")), new Attachment(FIXNET, "fixnet", List.of("10.227.1.3/24"))))),
                Arguments.of("global task: no slot", new Task("p4zzpncm80au92ca5l2hhn0q7", "4mw3l0ro1mx1q5sno3uq0ugjh", "fix-agent", null, node,
                        "running", "running", "started", null, "9a0cd7f2466fe4d3f3cf06eab7abb88df159e1e24c3a255d82b38f28c968168f", false, List.of())),
                Arguments.of("completed job", new Task("tad40oce2lwi7lljlg8bt9i1o", "7z0zki2b52ec4bjqhs32gcx6f", "fix-job", null, node,
                        "complete", "complete", "finished", null, "5b3e59a9e3561b1bc5bdaaf311e7199d86aa7815d5408db46612de8f4f5f28b7", false, List.of())),
                Arguments.of("retrying, rejected: no container, the error kept", new Task("yb4tzajkj6bsq590kguoiuii7", "k1zqqa4ah9bspq3nbtdxp25hj", "fix-missing", 1, node,
                        "ready", "rejected", "preparing", "No such image: scanopy-testkit/not-there:1", null, false, List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tasks")
    void tasks(String what, Task expected) {
        Map<String, String> serviceNames = Map.of("lw20o0j73hvjngvs56yw35vdo", "fix-web", "4mw3l0ro1mx1q5sno3uq0ugjh", "fix-agent",
                "7z0zki2b52ec4bjqhs32gcx6f", "fix-job", "k1zqqa4ah9bspq3nbtdxp25hj", "fix-missing", "bg7p49zjtj43n3vrv22oavnuj", "fixstack_api");
        List<Task> tasks = SwarmMapping.tasks(fixture("docker26-tasks.json"), serviceNames);
        assertEquals(expected, tasks.stream().filter(t -> t.id().equals(expected.id())).findFirst().orElseThrow(), what);
    }

    @Test
    void tasksTheOrchestratorShutDownAreLeftOut() {
        List<Task> tasks = SwarmMapping.tasks(fixture("docker26-tasks.json"), Map.of());
        // 8 in the answer: two earlier attempts of fix-missing have desired state shutdown.
        assertEquals(6, tasks.size(), tasks.toString());
        assertTrue(tasks.stream().noneMatch(t -> t.desiredState().equals("shutdown")));
        assertFalse(tasks.stream().anyMatch(t -> t.id().equals("uluqhpsst0od2ee6b4xo7e3om")));
        // Without the services list, tasks still name their service by id.
        assertNull(tasks.get(0).serviceName());
    }

    @Test
    void noSecretOrEnvironmentIsRead() throws IOException {
        // A service whose spec carries an environment and a secret: neither reaches the model.
        JsonNode service = JSON.readTree("""
                [{"ID":"s1","Spec":{"Name":"db","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"postgres:16",
                  "Env":["POSTGRES_PASSWORD=hunter2"],"Secrets":[{"SecretName":"db-password","SecretID":"x"}]}},
                  "Mode":{"Replicated":{"Replicas":1}}},"Endpoint":{}}]""");
        String text = SwarmMapping.services(service, Map.of()).toString();
        assertFalse(text.contains("hunter2") || text.contains("db-password"), text);
    }
}
