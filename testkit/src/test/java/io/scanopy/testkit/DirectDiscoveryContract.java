package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.docker.ApiVersions;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.plugin.PluginSource;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;

/**
 * What discovery through docker-direct must find on a real engine, whichever way the plugin
 * was loaded. Two user-defined networks; a published HTTP server with compose labels; a
 * container with exposed-only ports on both networks; a stopped one. Only this run's
 * containers (by label) are discovered, probed and judged: the engine is shared.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DirectDiscoveryContract {
    private final String prefix = "scanopy-it-" + TestContainer.RUN_ID.substring(0, 8) + "-" + getClass().getSimpleName().toLowerCase() + "-";
    private org.testcontainers.containers.Network front;
    private org.testcontainers.containers.Network back;
    private TestContainer web;
    private TestContainer db;
    private TestContainer batch;
    private PluginRegistry registry;

    /** How the subclass loads the plugin. */
    abstract PluginRegistry loadPlugins();

    /** Where the plugin must say it came from. */
    abstract PluginSource expectedSource();

    @BeforeAll
    void startContainers() {
        front = org.testcontainers.containers.Network.newNetwork();
        back = org.testcontainers.containers.Network.newNetwork();
        web = new TestContainer().servingHttp(8080).publishedOnLoopback(8080).onNetwork(front, "web")
                .withLabel("com.docker.compose.project", "shop").withLabel("com.docker.compose.service", "web").withLabel("tier", "front")
                .withCreateContainerCmdModifier(cmd -> cmd.withName(prefix + "web"));
        db = new TestContainer().exposedOnly(5432, "tcp").exposedOnly(5353, "udp").onNetwork(front, "db")
                .withCreateContainerCmdModifier(cmd -> cmd.withName(prefix + "db"));
        batch = new TestContainer().onNetwork(back, "batch")
                .withCreateContainerCmdModifier(cmd -> cmd.withName(prefix + "batch"));
        web.start();
        db.start();
        db.connect(back, "db-back");
        batch.start();
        batch.stopInPlace();
        registry = loadPlugins();
    }

    @AfterAll
    void stopContainers() {
        for (AutoCloseable c : new AutoCloseable[] {registry, web, db, batch, front, back}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // Best effort: one failing cleanup must not hide the others.
            }
        }
    }

    private DockerEngine discover(boolean all) {
        DiscoveryResult result = new DiscoveryEngine(registry).discover(List.of(TargetSpec.local(System.getenv())),
                DiscoveryOptions.defaults().withIncludeStopped(all).withFilter(TestContainer.thisRun()));
        assertEquals(List.of(), result.failures());
        assertEquals(1, result.inventory().engines().size());
        return result.inventory().engines().get(0);
    }

    private static List<Container> ours(DockerEngine engine) {
        return engine.containers().stream().filter(c -> TestContainer.RUN_ID.equals(c.labels().get(TestContainer.RUN_LABEL))).toList();
    }

    private Container named(List<Container> containers, String name) {
        return containers.stream().filter(c -> c.names().contains(prefix + name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + prefix + name + " in " + containers.stream().map(Container::names).toList()));
    }

    @Test
    void thePluginComesFromWhereItShould() {
        LoadedPlugin plugin = registry.find("docker-direct").orElseThrow(() -> new AssertionError("not loaded; failures: " + registry.failures()));
        assertEquals(expectedSource(), plugin.source());
        assertEquals(List.of(), registry.failures());
        assertTrue(plugin.version().startsWith("0."), plugin.version());
    }

    @Test
    void theEngineIsDescribedAndEveryCapabilityAllowed() {
        DockerEngine engine = discover(false);
        DockerClient docker = DockerClientFactory.instance().client();
        var info = docker.infoCmd().exec();
        var version = docker.versionCmd().exec();
        assertEquals(EngineUnderTest.engineId(info), engine.id());
        assertEquals(info.getName(), engine.name());
        assertEquals(EngineUnderTest.product(), engine.product());
        assertEquals(version.getVersion(), engine.version());
        assertNotNull(engine.apiVersion());
        // As versions: "1.9" is below "1.41", though a string comparison says otherwise.
        assertTrue(ApiVersions.ApiVersion.parse(engine.apiVersion()).compareTo(ApiVersions.ApiVersion.parse(version.getApiVersion())) <= 0,
                engine.apiVersion() + " is never above the engine's " + version.getApiVersion());
        assertEquals("docker-direct", engine.reachedVia().get(0).plugin());
        assertEquals(EngineUnderTest.dockerHost(), engine.reachedVia().get(0).address());
        // The Swarm lists are asked of managers only; no engine of the contract is one (SwarmClusterTest makes one, and leaves it).
        assertTrue(engine.capabilities().checks().stream().allMatch(c -> c.status() == (c.endpoint().isSwarm() ? CapabilityReport.Status.NOT_CHECKED
                : CapabilityReport.Status.ALLOWED)), engine.capabilities().toString());
        assertNull(engine.swarm(), "no cluster outside a Swarm");
        // Discovery sees this run's containers only: no other test's container, vanished, hidden or probed, can leave a note here.
        assertEquals(List.of(), engine.notes());
    }

    @Test
    void runningContainersWithEveryField() {
        List<Container> containers = ours(discover(false));
        assertEquals(Set.of(prefix + "web", prefix + "db"), containers.stream().flatMap(c -> c.names().stream()).collect(Collectors.toSet()),
                "running only: the stopped one appears with --all");

        Container w = named(containers, "web");
        InspectContainerResponse wi = DockerClientFactory.instance().client().inspectContainerCmd(web.getContainerId()).exec();
        assertEquals(web.getContainerId(), w.id());
        assertEquals(EngineUnderTest.imageAsReported(TestImages.BUSYBOX), w.image());
        assertEquals(wi.getImageId(), w.imageId());
        assertEquals("running", w.state());
        assertTrue(w.status().startsWith("Up"), w.status());
        assertNotNull(w.created());
        assertEquals("front", w.labels().get("tier"));
        assertEquals(new Container.Compose("shop", "web"), w.compose());
        assertTrue(w.command().contains("httpd -f -p 8080"), w.command());
        assertEquals(Container.Detail.INSPECT, w.detail());
        assertEquals(List.of(new Container.Port(8080, "tcp", web.getMappedPort(8080), "127.0.0.1")), w.ports());
        assertAttachments(w, wi);

        Container d = named(containers, "db");
        InspectContainerResponse di = DockerClientFactory.instance().client().inspectContainerCmd(db.getContainerId()).exec();
        assertNull(d.compose());
        assertEquals(List.of(new Container.Port(5353, "udp", null, null), new Container.Port(5432, "tcp", null, null)), d.ports());
        assertEquals(2, d.networks().size());
        assertAttachments(d, di);
        assertTrue(d.networks().stream().anyMatch(a -> a.aliases().contains("db-back")), d.networks().toString());
    }

    /** Each attachment matches Docker's own view: id, address, prefix, gateway, MAC, aliases given. */
    private static void assertAttachments(Container found, InspectContainerResponse inspected) {
        Map<String, ContainerNetwork> expected = inspected.getNetworkSettings().getNetworks();
        assertEquals(expected.keySet(), found.networks().stream().map(NetworkAttachment::networkName).collect(Collectors.toSet()));
        for (NetworkAttachment a : found.networks()) {
            ContainerNetwork n = expected.get(a.networkName());
            assertEquals(n.getNetworkID(), a.networkId());
            assertEquals(n.getIpAddress(), a.ipAddress());
            assertEquals(n.getIpPrefixLen(), a.prefixLength());
            assertEquals(n.getGateway(), a.gateway());
            assertEquals(n.getMacAddress(), a.macAddress());
            // Docker's aliases but the container's short ID, which only engines before API 1.45 list there.
            List<String> given = n.getAliases().stream().filter(alias -> !alias.equals(inspected.getId().substring(0, 12))).sorted().toList();
            assertEquals(given, a.aliases(), "Docker lists " + n.getAliases());
        }
    }

    @Test
    void theStoppedContainerOnlyWithAll() {
        List<Container> containers = ours(discover(true));
        Container b = named(containers, "batch");
        assertEquals("exited", b.state());
        assertEquals(3, containers.size());
        assertEquals(List.of(), b.ports());
    }

    @Test
    void userDefinedNetworksWithTheirSubnets() {
        DockerEngine engine = discover(false);
        DockerClient docker = DockerClientFactory.instance().client();
        for (org.testcontainers.containers.Network n : List.of(front, back)) {
            var expected = docker.inspectNetworkCmd().withNetworkId(n.getId()).exec();
            Network found = engine.networks().stream().filter(x -> n.getId().equals(x.id())).findFirst()
                    .orElseThrow(() -> new AssertionError("network " + expected.getName() + " missing"));
            assertEquals(expected.getName(), found.name());
            assertEquals("bridge", found.driver());
            assertEquals("local", found.scope());
            assertEquals(Boolean.FALSE, found.internal());
            List<Network.Subnet> subnets = expected.getIpam().getConfig().stream()
                    .map(c -> new Network.Subnet(c.getSubnet(), c.getGateway(), false)).toList();
            assertEquals(subnets, found.subnets());
        }
    }
}
