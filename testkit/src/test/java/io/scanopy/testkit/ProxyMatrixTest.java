package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.ProxySetup;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.TlsFiles;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Network;
import io.scanopy.testkit.proxy.MatrixReport;
import io.scanopy.testkit.proxy.ProxyAdvice;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import io.scanopy.testkit.proxy.TlsFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The capability matrix: every plugin, as shipped (pf4j archives), against each proxy
 * configuration on the real engine. Proxies are configured from the plugins' own declared
 * setups where the cell is "least privilege", and by hand where the cell is a misconfiguration.
 * Each cell asserts the capability report, what the inventory holds or marks degraded, and the
 * remediation text. Report: target/capability-matrix.md and .html. It runs on each engine of the
 * suite ({@link EngineUnderTest}); a run can select cells ({@link MatrixReport#CELLS_PROPERTY}).
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyMatrixTest {
    private static final Set<DockerEndpoint> ALL = EnumSet.allOf(DockerEndpoint.class);
    /** What proxy-config prints by default: everything but the Swarm lists (it adds them with --swarm). */
    private static final Set<DockerEndpoint> PRINTED = EnumSet.copyOf(ALL.stream().filter(e -> !e.isSwarm()).toList());
    private static final Set<DockerEndpoint> EXEC = EnumSet.of(DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT);
    private static final String V = "/v1\\.[0-9]+";
    /** The version prefix made optional, as every wollomatic advice writes it: one round of advice admits both path forms. */
    private static final String BOTH = "(" + V + ")?";

    private final MatrixReport report = new MatrixReport();
    private PluginRegistry registry;
    private TlsFixtures.Files tls;
    private org.testcontainers.containers.Network network;
    private TestContainer web;

    /**
     * One matrix cell.
     *
     * @param name the cell name
     * @param proxy starts the proxy (null: the direct socket)
     * @param target the target for the running proxy
     * @param plugin the plugin expected to serve it
     * @param denied the endpoints expected denied (all others allowed)
     * @param remediation per denied endpoint, text its remediation must contain
     * @param failure text the discovery error must contain; null when discovery must succeed
     * @param inventory checks on the discovered engine (when it succeeds)
     */
    record Cell(String name, Function<ProxyMatrixTest, ProxyContainer> proxy, Function<ProxyContainer, TargetSpec> target, String plugin,
                Set<DockerEndpoint> denied, Map<DockerEndpoint, String> remediation, String failure, Consumer<DockerEngine> inventory) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void setUp() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-matrix-plugins"));
        tls = TlsFixtures.generate(Files.createTempDirectory("scanopy-matrix-tls"));
        network = org.testcontainers.containers.Network.newNetwork();
        web = new TestContainer().servingHttp(8080).publishedOnLoopback(8080).onNetwork(network, "web").withLabel("role", "matrix");
        web.start();
    }

    @AfterAll
    void tearDown() {
        report.write(Path.of("target"));
        System.out.println("Capability matrix (target/capability-matrix.md):\n" + report.markdown());
        for (AutoCloseable c : new AutoCloseable[] {registry, web, network}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // Best effort: one failing cleanup must not hide the others.
            }
        }
    }

    // ---- proxies -------------------------------------------------------------------------

    private ProxySetup setup(String pluginId, Set<DockerEndpoint> allowed) {
        return registry.find(pluginId).orElseThrow().plugin().proxySetup(allowed).orElseThrow();
    }

    ProxyContainer tecnativa(Map<String, String> environment) {
        return new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment);
    }

    ProxyContainer tecnativaFrom(Set<DockerEndpoint> allowed) {
        return tecnativa(setup("docker-proxy-tecnativa", allowed).environment());
    }

    /** Tecnativa's configuration after v0.4.1 (our replica: no tagged image has it yet). */
    ProxyContainer tecnativaCurrent(Map<String, String> environment) {
        return new ProxyContainer(ProxyImages.tecnativaCurrent(), 2375, "http").withProxyEnvironment(environment);
    }

    ProxyContainer tecnativaCurrentFrom(Set<DockerEndpoint> allowed) {
        return tecnativaCurrent(setup("docker-proxy-tecnativa", allowed).environment());
    }

    /** LinuxServer's proxy, always hardened as its setup says (read-only root, tmpfs). */
    ProxyContainer linuxserver(Map<String, String> environment) {
        ProxySetup hardening = setup("docker-proxy-linuxserver", Set.of());
        assertTrue(hardening.readOnly(), "the LinuxServer setup runs read-only");
        return new ProxyContainer(ProxyImages.linuxserver(), hardening.port(), "http").readOnlyRoot(hardening.tmpfs()).withProxyEnvironment(environment);
    }

    ProxyContainer linuxserverFrom(Set<DockerEndpoint> allowed) {
        return linuxserver(setup("docker-proxy-linuxserver", allowed).environment());
    }

    ProxyContainer wollomatic(List<String> flags) {
        return new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(flags);
    }

    /** The plugin's own flags, with -allowfrom opened to the bridge: requests through a published port come from its gateway. */
    ProxyContainer wollomaticFrom(Set<DockerEndpoint> allowed) {
        List<String> flags = new ArrayList<>();
        for (String flag : setup("docker-proxy-wollomatic", allowed).command()) {
            flags.add(flag.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : flag);
        }
        return wollomatic(flags);
    }

    ProxyContainer https(Path serverPem) {
        try {
            Path certs = Files.createTempDirectory(tls.dir(), "proxy");
            Files.copy(serverPem, certs.resolve("server.pem"));
            Files.copy(tls.ca(), certs.resolve("ca.pem"));
            certs.toFile().setReadable(true, false);
            return new ProxyContainer(ProxyImages.https(), 2376, "https")
                    .readOnlyBind(certs.toString(), "/certs");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The engine's default bridge, where the proxies run, as Docker describes it.
     *
     * @param subnet its CIDR
     * @param gateway the host's address on it
     */
    record Bridge(String subnet, String gateway) {
    }

    private static Bridge defaultBridge() {
        var ipam = org.testcontainers.DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId("bridge").exec().getIpam().getConfig().get(0);
        return new Bridge(ipam.getSubnet(), ipam.getGateway());
    }

    /** This host's address on the matrix network (the bridge's gateway): a daemon on the host talks from it to containers there. */
    private String matrixNetworkGateway() {
        return org.testcontainers.DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId(network.getId()).exec()
                .getIpam().getConfig().get(0).getGateway();
    }

    /** The proxy at its address on the matrix network, not through its published port. */
    private TargetSpec onMatrixNetwork(ProxyContainer proxy) {
        String address = proxy.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
                .filter(n -> network.getId().equals(n.getNetworkID())).findFirst().orElseThrow().getIpAddress();
        return new TargetSpec(URI.create("http://" + address + ":2375"), null, null, Map.of());
    }

    private static TargetSpec url(ProxyContainer proxy) {
        return new TargetSpec(URI.create(proxy.url()), null, null, Map.of());
    }

    private Function<ProxyContainer, TargetSpec> httpsTarget(Path cert, Path key, Path chain) {
        return proxy -> new TargetSpec(URI.create(proxy.url()), new TlsFiles(cert, key, chain, "matrix"), null, Map.of());
    }

    // ---- cells ---------------------------------------------------------------------------

    Stream<Cell> cells() {
        Set<DockerEndpoint> noExec = EnumSet.complementOf(EnumSet.copyOf(EXEC));
        Set<DockerEndpoint> noNetworks = EnumSet.complementOf(EnumSet.of(DockerEndpoint.LIST_NETWORKS));
        // Tecnativa's defaults: PING, VERSION and EVENTS on, everything else off.
        Set<DockerEndpoint> allButDefaults = EnumSet.complementOf(EnumSet.of(DockerEndpoint.PING, DockerEndpoint.VERSION, DockerEndpoint.EVENTS));
        Set<DockerEndpoint> noEvents = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EVENTS));
        Set<DockerEndpoint> allButVersion = EnumSet.complementOf(EnumSet.of(DockerEndpoint.VERSION));
        Set<DockerEndpoint> allButExecInspect = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_INSPECT));
        Consumer<DockerEngine> full = this::assertFullInventory;
        return Stream.of(
                new Cell("direct socket", null, p -> TargetSpec.local(EngineUnderTest.environment()), "docker-direct", Set.of(), Map.of(), null, full),
                new Cell("tecnativa full", t -> t.tecnativaFrom(ALL), ProxyMatrixTest::url, "docker-proxy-tecnativa", Set.of(), Map.of(), null, full),
                new Cell("tecnativa read-only (no EXEC/POST)", t -> t.tecnativaFrom(noExec), ProxyMatrixTest::url, "docker-proxy-tecnativa", EXEC,
                        Map.of(DockerEndpoint.EXEC_CREATE, "set CONTAINERS=1 and POST=1", DockerEndpoint.EXEC_START, "set EXEC=1 and POST=1",
                                DockerEndpoint.EXEC_INSPECT, "set EXEC=1"), null, full),
                new Cell("tecnativa without NETWORKS", t -> t.tecnativaFrom(noNetworks), ProxyMatrixTest::url, "docker-proxy-tecnativa",
                        Set.of(DockerEndpoint.LIST_NETWORKS), Map.of(DockerEndpoint.LIST_NETWORKS, "set NETWORKS=1"), null, this::assertDerivedNetworks),
                new Cell("tecnativa without EVENTS", t -> t.tecnativaFrom(noEvents), ProxyMatrixTest::url, "docker-proxy-tecnativa",
                        Set.of(DockerEndpoint.EVENTS), Map.of(DockerEndpoint.EVENTS, "set EVENTS=1"), null, full),
                new Cell("tecnativa defaults only", t -> t.tecnativa(Map.of()), ProxyMatrixTest::url, "docker-proxy-tecnativa", allButDefaults,
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "set CONTAINERS=1", DockerEndpoint.INFO, "set INFO=1"), "set CONTAINERS=1", null),
                new Cell("tecnativa current, proxy-config as printed", t -> t.tecnativaCurrentFrom(PRINTED), ProxyMatrixTest::url, "docker-proxy-tecnativa",
                        Set.of(), Map.of(), null, full),
                new Cell("tecnativa current without ALLOW_EXEC", t -> {
                    Map<String, String> environment = new LinkedHashMap<>(t.setup("docker-proxy-tecnativa", ALL).environment());
                    assertEquals("1", environment.remove("ALLOW_EXEC"), "proxy-config sets ALLOW_EXEC=1 when exec is allowed");
                    return t.tecnativaCurrent(environment);
                }, ProxyMatrixTest::url, "docker-proxy-tecnativa", Set.of(DockerEndpoint.EXEC_CREATE),
                        Map.of(DockerEndpoint.EXEC_CREATE, "set ALLOW_EXEC=1 in the docker-socket-proxy's environment: it already admits POST"), null, full),
                new Cell("tecnativa current read-only (no EXEC/POST)", t -> t.tecnativaCurrentFrom(noExec), ProxyMatrixTest::url, "docker-proxy-tecnativa", EXEC,
                        Map.of(DockerEndpoint.EXEC_CREATE, "set CONTAINERS=1 and POST=1 in the docker-socket-proxy's environment (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together), and ALLOW_EXEC=1",
                                DockerEndpoint.EXEC_START, "set EXEC=1 and POST=1"), null, full),
                new Cell("linuxserver as proxy-config prints it", t -> t.linuxserverFrom(PRINTED), ProxyMatrixTest::url, "docker-proxy-linuxserver",
                        Set.of(), Map.of(), null, full),
                new Cell("linuxserver without EXEC/POST", t -> t.linuxserverFrom(noExec), ProxyMatrixTest::url, "docker-proxy-linuxserver", EXEC,
                        Map.of(DockerEndpoint.EXEC_CREATE, "set CONTAINERS=1 and POST=1 in the socket-proxy's environment",
                                DockerEndpoint.EXEC_START, "set EXEC=1 and POST=1", DockerEndpoint.EXEC_INSPECT, "set EXEC=1"), null, full),
                new Cell("linuxserver without NETWORKS", t -> t.linuxserverFrom(noNetworks), ProxyMatrixTest::url, "docker-proxy-linuxserver",
                        Set.of(DockerEndpoint.LIST_NETWORKS), Map.of(DockerEndpoint.LIST_NETWORKS, "set NETWORKS=1 in the socket-proxy's environment"), null,
                        this::assertDerivedNetworks),
                new Cell("linuxserver defaults", t -> t.linuxserver(Map.of()), ProxyMatrixTest::url, "docker-proxy-linuxserver", allButDefaults,
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "set CONTAINERS=1", DockerEndpoint.INFO, "set INFO=1"), "set CONTAINERS=1", null),
                new Cell("wollomatic full allowlist", t -> t.wollomaticFrom(ALL), ProxyMatrixTest::url, "docker-proxy-wollomatic", Set.of(), Map.of(), null, full),
                new Cell("wollomatic without exec", t -> t.wollomaticFrom(noExec), ProxyMatrixTest::url, "docker-proxy-wollomatic", EXEC,
                        Map.of(DockerEndpoint.EXEC_CREATE, "no POST allowlist: add -allowPOST='" + BOTH + "/containers/[^/]+/exec'",
                                DockerEndpoint.EXEC_INSPECT, "-allowGET='" + BOTH + "/exec/[^/]+/json'"), null, full),
                new Cell("wollomatic unversioned allowlist, versioned client",
                        t -> t.wollomatic(List.of("-listenip=0.0.0.0", "-allowfrom=0.0.0.0/0", "-allowGET=/(_ping|version|info|containers/json|containers/[^/]+/json|networks)")),
                        ProxyMatrixTest::url, "docker-proxy-wollomatic", allButVersion,
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "/containers/json is outside the GET allowlist: add -allowGET='" + BOTH + "/containers/json'"),
                        "-allowGET='" + BOTH + "/containers/json'", null),
                new Cell("wollomatic versioned allowlist, unversioned client",
                        t -> t.wollomatic(List.of("-listenip=0.0.0.0", "-allowfrom=0.0.0.0/0", "-allowGET=" + V + "/(_ping|version|info|containers/json|containers/[^/]+/json|networks)")),
                        ProxyMatrixTest::url, "docker-proxy-wollomatic", ALL,
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "GET /containers/json is outside the GET allowlist: add -allowGET='" + BOTH + "/containers/json'",
                                DockerEndpoint.VERSION, "-allowGET='" + BOTH + "/version'"),
                        "-allowGET='" + BOTH + "/containers/json'", null),
                new Cell("wollomatic empty allowlist",
                        t -> t.wollomatic(List.of("-listenip=0.0.0.0", "-allowfrom=" + defaultBridge().subnet())),
                        ProxyMatrixTest::url, "docker-proxy-wollomatic", ALL,
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "the proxy has no GET allowlist: add -allowGET='" + BOTH + "/containers/json'",
                                DockerEndpoint.EXEC_CREATE, "the proxy has no POST allowlist: add -allowPOST='" + BOTH + "/containers/[^/]+/exec'"),
                        "the proxy has no GET allowlist", null),
                new Cell("wollomatic default -allowfrom", t -> {
                    List<String> flags = new ArrayList<>(t.setup("docker-proxy-wollomatic", ALL).command());
                    flags.removeIf(f -> f.startsWith("-allowfrom="));
                    return t.wollomatic(flags);
                }, ProxyMatrixTest::url, "docker-proxy-wollomatic", ALL,
                        // The daemon reaches the port published on 127.0.0.1: the proxy sees the default bridge's gateway.
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "the proxy refuses the daemon's address, " + defaultBridge().gateway()
                                + " as the proxy sees it, before reading any allowlist: set -allowfrom=" + defaultBridge().gateway() + "/32 (SP_ALLOWFROM)"),
                        "set -allowfrom=" + defaultBridge().gateway() + "/32", null),
                new Cell("wollomatic default -allowfrom, reached on its network", t -> {
                    List<String> flags = new ArrayList<>(t.setup("docker-proxy-wollomatic", ALL).command());
                    flags.removeIf(f -> f.startsWith("-allowfrom="));
                    return t.wollomatic(flags).withNetwork(t.network);
                }, this::onMatrixNetwork, "docker-proxy-wollomatic", ALL,
                        // The daemon talks to the proxy's address on the matrix network: the proxy sees the daemon's own address there.
                        Map.of(DockerEndpoint.LIST_CONTAINERS, "set -allowfrom=" + matrixNetworkGateway() + "/32 (SP_ALLOWFROM)"),
                        "set -allowfrom=" + matrixNetworkGateway() + "/32", null),
                new Cell("https good (RSA PKCS#8 key)", t -> t.https(t.tls.serverPem()), httpsTarget(tls.clientCert(), tls.clientKey(), tls.ca()),
                        "docker-direct", Set.of(), Map.of(), null, full),
                new Cell("https good (EC PKCS#1 key)", t -> t.https(t.tls.serverPem()), httpsTarget(tls.ecClientCert(), tls.ecClientKey(), tls.ca()),
                        "docker-direct", Set.of(), Map.of(), null, full),
                new Cell("https wrong CA", t -> t.https(t.tls.serverPem()), httpsTarget(tls.clientCert(), tls.clientKey(), tls.otherCa()),
                        "docker-direct", null, Map.of(), "is not signed by the CA chain " + tls.otherCa(), null),
                new Cell("https expired client certificate", t -> t.https(t.tls.serverPem()), httpsTarget(tls.expiredClientCert(), tls.expiredClientKey(), tls.ca()),
                        "docker-direct", null, Map.of(), "The client certificate " + tls.expiredClientCert() + " expired on", null),
                new Cell("https wrong host name", t -> t.https(t.tls.wrongHostServerPem()), httpsTarget(tls.clientCert(), tls.clientKey(), tls.ca()),
                        "docker-direct", null, Map.of(), "TLS host name mismatch", null),
                new Cell("https mismatched key", t -> t.https(t.tls.serverPem()), httpsTarget(tls.clientCert(), tls.otherKey(), tls.ca()),
                        "docker-direct", null, Map.of(), "does not belong to the client certificate " + tls.clientCert(), null))
                .filter(cell -> MatrixReport.selected(cell.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void cell(Cell cell) throws DockerAccessException {
        ProxyContainer proxy = cell.proxy() == null ? null : cell.proxy().apply(this);
        Map<DockerEndpoint, String> statuses = new EnumMap<>(DockerEndpoint.class);
        String outcome = "";
        String servedBy = "-";
        boolean passed = false;
        try {
            if (proxy != null) {
                proxy.start();
            }
            TargetSpec target = cell.target().apply(proxy);
            DiscoveryEngine engine = new DiscoveryEngine(registry);

            // 1. The capability report, as doctor shows it (null denied = the target cannot be negotiated at all).
            CapabilityReport capabilities = null;
            DockerAccessException connectFailure = null;
            try (TargetSession session = engine.open(target)) {
                servedBy = session.plugin().id();
                capabilities = session.negotiate(true).report();
            } catch (DockerAccessException e) {
                connectFailure = e;
            }
            if (capabilities != null) {
                capabilities.checks().forEach(c -> statuses.put(c.endpoint(), MatrixReport.status(c)));
            }
            final DockerAccessException refused = connectFailure;
            final CapabilityReport report = capabilities;
            if (cell.denied() == null) {
                assertNotNull(refused, "the target must be refused before negotiation");
            } else {
                assertNull(refused, () -> "unexpected: " + refused.getMessage());
                assertEquals(cell.plugin(), servedBy, "plugin chosen");
                for (CapabilityReport.Check check : report.checks()) {
                    // The Swarm lists are asked of managers only: the matrix engines never are one (SwarmClusterTest covers them).
                    Status expected = check.endpoint().isSwarm() ? Status.NOT_CHECKED : cell.denied().contains(check.endpoint()) ? Status.DENIED : Status.ALLOWED;
                    assertEquals(expected, check.status(), check.endpoint() + ": " + check);
                    if (expected == Status.DENIED) {
                        assertEquals("proxy", check.deniedBy(), check.toString());
                    }
                }
                cell.remediation().forEach((endpoint, text) -> {
                    String remediation = report.check(endpoint).remediation();
                    assertTrue(remediation.contains(text), endpoint + " remediation: " + remediation + "\n  expected to contain: " + text);
                });
            }

            // 2. The advice, applied once and exactly as printed, is enough: on a proxy configured
            //    as before plus what the remediations name, every endpoint the plugin checks is allowed.
            if (proxy != null && cell.denied() != null && !cell.denied().isEmpty()) {
                adviceFixes(cell, report);
            }

            // 3. Discovery itself.
            DiscoveryResult result = engine.discover(List.of(target), DiscoveryOptions.defaults());
            if (cell.failure() != null) {
                assertEquals(1, result.failures().size(), "discovery must fail");
                String message = result.failures().get(0).error().getMessage();
                assertTrue(message.contains(cell.failure()), "error: " + message + "\n  expected to contain: " + cell.failure());
                assertTrue(result.inventory().engines().isEmpty());
                outcome = "fails: " + message;
            } else {
                assertEquals(List.of(), result.failures());
                DockerEngine found = result.inventory().engines().get(0);
                cell.inventory().accept(found);
                long degraded = found.notes().stream().filter(n -> n.code().equals("degraded")).count();
                assertEquals(cell.denied().size(), degraded, "one degraded note per denied endpoint: " + found.notes());
                outcome = "discovers" + (degraded == 0 ? "" : ", degraded: " + found.notes().stream().filter(n -> n.code().equals("degraded"))
                        .map(n -> n.subject()).toList());
            }
            passed = true;
        } finally {
            report.add(new MatrixReport.Row(cell.name(), proxy == null ? "- (socket)" : proxy.image().describe(), servedBy,
                    new LinkedHashMap<>(statuses), outcome.length() > 160 ? outcome.substring(0, 160) + "…" : outcome, passed));
            if (proxy != null) {
                proxy.stop();
            }
        }
    }

    private void adviceFixes(Cell cell, CapabilityReport before) throws DockerAccessException {
        List<String> remediations = before.checks().stream().filter(c -> c.status() == Status.DENIED)
                .map(CapabilityReport.Check::remediation).toList();
        ProxyAdvice advice = ProxyAdvice.from(remediations);
        assertTrue(!advice.isEmpty(), "the advice names nothing to apply: " + remediations);
        ProxyContainer fixed = cell.proxy().apply(this);
        fixed.withProxyEnvironment(advice.environment());
        if (!advice.flags().isEmpty()) {
            fixed.withFlags(advice.appliedTo(List.of(fixed.getCommandParts())));
        }
        try {
            fixed.start();
            try (TargetSession session = new DiscoveryEngine(registry).open(cell.target().apply(fixed))) {
                CapabilityReport after = session.negotiate(true).report();
                List<CapabilityReport.Check> stillDenied = after.checks().stream().filter(c -> c.status() != Status.ALLOWED && c.status() != Status.NOT_CHECKED).toList();
                assertEquals(List.of(), stillDenied, "still denied after applying " + advice + " from: " + remediations);
            }
        } finally {
            fixed.stop();
        }
    }

    private Container ourWeb(DockerEngine engine) {
        return engine.containers().stream().filter(c -> c.id().equals(web.getContainerId())).findFirst()
                .orElseThrow(() -> new AssertionError("the test container is missing"));
    }

    private void assertFullInventory(DockerEngine engine) {
        Container c = ourWeb(engine);
        assertEquals(Container.Detail.INSPECT, c.detail());
        assertEquals("matrix", c.labels().get("role"));
        assertEquals(List.of(new Container.Port(8080, "tcp", web.getMappedPort(8080), "127.0.0.1")), c.ports());
        assertTrue(c.networks().stream().anyMatch(a -> a.aliases().contains("web")), c.networks().toString());
        Network n = engine.networks().stream().filter(x -> network.getId().equals(x.id())).findFirst().orElseThrow();
        assertTrue(n.subnets().stream().noneMatch(Network.Subnet::derived));
        assertNotNull(engine.version());
    }

    private void assertDerivedNetworks(DockerEngine engine) {
        Container c = ourWeb(engine);
        var attachment = c.networks().stream().filter(a -> network.getId().equals(a.networkId())).findFirst().orElseThrow();
        Network n = engine.networks().stream().filter(x -> network.getId().equals(x.id())).findFirst().orElseThrow();
        assertNull(n.driver(), "derived networks know no driver");
        assertEquals(1, n.subnets().size());
        assertTrue(n.subnets().get(0).derived());
        var actual = org.testcontainers.DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId(network.getId()).exec();
        assertEquals(actual.getIpam().getConfig().get(0).getSubnet(), n.subnets().get(0).cidr(), "derived from " + attachment.ipAddress() + "/" + attachment.prefixLength());
    }
}
