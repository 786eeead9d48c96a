package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Note;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;

/**
 * Service detection on the real engine: exec probing at one exec per container, the fallbacks
 * (no shell, no client, exec denied by each proxy, --no-exec, published ports), hostile
 * containers (forged frames and floods, a container that never answers, shell metacharacters in
 * labels), label overrides, and the cache.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceDetectionTest {
    private static final String TEST_IMAGE_GRAFANA = "grafana/grafana:scanopy-test";
    private final List<TestContainer> containers = new ArrayList<>();
    private PluginRegistry registry;
    private Catalogue catalogue;
    private TestContainer app;
    private TestContainer grafana;
    private TestContainer noShell;
    private TestContainer noClient;
    private TestContainer flood;
    private TestContainer hang;
    private TestContainer evil;
    private TestContainer forced;
    private TestContainer hidden;
    private TestContainer published;
    private TestContainer bashOnly;
    private TestContainer locked;
    private TestContainer somethingElse;

    private static String page(String title, String extra) {
        return "mkdir -p /www && printf '<html><head><title>" + title + "</title></head><body>" + extra + "</body></html>' > /www/index.html"
                + " && printf 'ok' > /www/health";
    }

    private TestContainer start(TestContainer c) {
        containers.add(c);
        c.start();
        return c;
    }

    @BeforeAll
    void startContainers() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-detect-plugins"));
        Path file = Files.createTempFile("catalogue", ".json");
        Files.writeString(file, """
                {"services": [
                  {"id": "test-app", "name": "Scanopy Test App", "category": "web-app", "rules": [
                    {"id": "test-app-title", "port": 8081, "http": {"path": "/", "status": [200, 299], "title": "^Scanopy Test App$"}, "confidence": 0.9}]},
                  {"id": "test-health", "name": "Test Health", "category": "web-app", "rules": [
                    {"id": "test-health-body", "http": {"path": "/health", "status": [200, 200], "body": "^ok$"}, "confidence": 0.7}]}
                ]}
                """);
        catalogue = Catalogue.withUserFile(file);
        DockerClientFactory.instance().client().tagImageCmd(TestImages.busybox(), "grafana/grafana", "scanopy-test").exec();

        String httpd = " && exec httpd -f -h /www -p ";
        app = start(new TestContainer().withCommand("sh", "-c", page("Scanopy Test App", "hello") + httpd + "8081"));
        grafana = start(new TestContainer(TEST_IMAGE_GRAFANA).withCommand("sh", "-c", page("Grafana", "") + httpd + "3000"));
        noShell = start(new TestContainer(TestImages.minimal("scanopy-testkit/no-shell:1", List.of("httpd", "cat")))
                .withCommand("/bin/busybox", "httpd", "-f", "-p", "8082"));
        noClient = start(new TestContainer(TestImages.minimal("scanopy-testkit/no-client:1", List.of("httpd", "cat", "head", "od", "tr"), Path.of("/bin/dash")))
                .withCommand("/bin/httpd", "-f", "-p", "8083"));
        // 3 MB of page made of forged frames, claiming Pi-hole on another port.
        flood = start(new TestContainer().withCommand("sh", "-c", "mkdir -p /www && i=0; while [ $i -lt 40000 ]; do "
                + "echo 'scanopy-000000000000000000000000 HTTP 80 /admin/ 485454502f312e3120323030204f4b0d0a0d0a3c7469746c653e50692d686f6c653c2f7469746c653e'; i=$((i+1)); done > /www/index.html"
                + httpd + "8084"));
        // Six listeners that accept and never answer: 6 x 2 s per request is more than the probe may take.
        hang = start(new TestContainer().withCommand("sh", "-c", "for p in 9000 9001 9002 9003 9004 9005; do nc -ll -p $p -e sleep 600 & done; wait"));
        evil = start(new TestContainer().withLabel("evil", "$(touch /tmp/pwned)`touch /tmp/pwned2`; touch /tmp/pwned3 '\"")
                .withCommand("sh", "-c", page("Scanopy Test App", "") + httpd + "8081"));
        forced = start(new TestContainer().withLabel("scanopy.service", "grafana"));
        hidden = start(new TestContainer().withLabel("scanopy.ignore", "true"));
        // sleep too: the probe's watchdog needs it (without it the probe makes no request at all).
        bashOnly = start(new TestContainer(TestImages.minimal("scanopy-testkit/bash-only:2", List.of("httpd", "cat", "head", "od", "tr", "mkdir", "printf", "sleep"), Path.of("/bin/bash")))
                .withCommand("/bin/bash", "-c", page("Scanopy Test App", "") + httpd + "8081"));
        // Serves as root; its busybox is not executable for anyone else.
        locked = start(new TestContainer(TestImages.lockedBusybox()).withCommand("sh", "-c", page("Scanopy Test App", "") + httpd + "8081"));
        // Prometheus' port, someone else's page: what the probe reads there beats the port guess.
        // Only the page: /health would be recognised by the test catalogue, and a recognised port keeps its guesses.
        somethingElse = start(new TestContainer().withCommand("sh", "-c", "mkdir -p /www && printf '<html><head><title>Something Else</title></head></html>'"
                + " > /www/index.html" + httpd + "9090"));
        published = start(new TestContainer().publishedOnLoopback(8081).withCommand("sh", "-c", page("Scanopy Test App", "") + httpd + "8081"));
        Thread.sleep(500);
    }

    @AfterAll
    void stop() {
        containers.forEach(TestContainer::stop);
        try {
            // Only the tag this test added; the image itself stays (it is the busybox test image).
            DockerClientFactory.instance().client().removeImageCmd(TEST_IMAGE_GRAFANA).withNoPrune(true).exec();
        } catch (RuntimeException e) {
            // Already gone, or still in use by a container another test left: harmless.
        }
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * Discovers and probes this run's containers only: the engine is shared, and probing another
     * test's containers would put execs in their counts (and theirs in ours, were they to probe
     * everything).
     */
    private DockerEngine discover(DiscoveryEngine engine, TargetSpec target, DetectionOptions options) {
        DiscoveryResult result = engine.discover(List.of(target), DiscoveryOptions.defaults().withDetection(options).withFilter(TestContainer.thisRun()));
        assertEquals(List.of(), result.failures());
        return result.inventory().engines().get(0);
    }

    private static Container find(DockerEngine engine, TestContainer c) {
        return engine.containers().stream().filter(x -> x.id().equals(c.getContainerId())).findFirst()
                .orElseThrow(() -> new AssertionError("container " + c.getContainerId() + " " + c.getDockerImageName() + " " + c.getCommandParts()[0] + " missing from " + engine.containers().stream().map(Container::displayName).toList() + engine.notes()));
    }

    private static Optional<DetectedService> service(Container c, String id) {
        return c.services().stream().filter(s -> s.definitionId().equals(id)).findFirst();
    }

    private static Optional<Note> note(DockerEngine engine, String code, String subject) {
        return engine.notes().stream().filter(n -> n.code().equals(code) && (subject == null || subject.equals(n.subject()))).findFirst();
    }

    private static DetectionOptions options(boolean exec, boolean published) {
        return new DetectionOptions(exec, DetectionOptions.ExecPolicy.ALWAYS, published, 4, Duration.ofSeconds(4), Duration.ofSeconds(60));
    }

    @Test
    void execRouteOneExecPerContainerThenTheCacheCostsNone() throws Exception {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
        EngineEventLog counter = new EngineEventLog();
        long t0 = System.nanoTime();
        DockerEngine found = discover(engine, TargetSpec.local(System.getenv()), options(true, false));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Integer> execs = counter.execCreates();

        // Detected only through exec: the port is not published, the image says nothing.
        DetectedService testApp = service(find(found, app), "test-app").orElseThrow(() -> new AssertionError(find(found, app).services().toString()));
        DetectedService.Evidence e = testApp.evidence().get(0);
        assertEquals("exec", e.route());
        assertEquals(8081, e.port());
        assertEquals(200, e.httpStatus());
        assertEquals(0.9, testApp.confidence());
        assertTrue(service(find(found, app), "test-health").isPresent(), "second path on the same exec");
        DetectedService g = service(find(found, grafana), "grafana").orElseThrow();
        assertTrue(g.evidence().stream().anyMatch(x -> x.route().equals("image")) && g.evidence().stream().anyMatch(x -> x.route().equals("exec")), g.toString());

        // One exec per container with a shell; two without one; none when a label decides.
        assertEquals(1, execs.getOrDefault(app.getContainerId(), 0));
        assertEquals(1, execs.getOrDefault(grafana.getContainerId(), 0));
        // Without a shell the first exec (sh) cannot start: Docker logs both execs' creation, Podman only the one that started.
        assertEquals(EngineUnderTest.isPodman() ? 1 : 2, execs.getOrDefault(noShell.getContainerId(), 0));
        assertEquals(1, execs.getOrDefault(noClient.getContainerId(), 0));
        assertEquals(1, execs.getOrDefault(flood.getContainerId(), 0));
        assertEquals(1, execs.getOrDefault(hang.getContainerId(), 0));
        assertEquals(0, execs.getOrDefault(forced.getContainerId(), 0));
        assertEquals(0, execs.getOrDefault(hidden.getContainerId(), 0));
        assertTrue(execs.values().stream().allMatch(n -> n <= 2), execs.toString());

        // No shell: the second exec still found the listening port; no client: ports only.
        assertTrue(note(found, "probe-limited", noShell.getContainerId()).orElseThrow().message().contains("no shell"));
        assertTrue(note(found, "probe-limited", noClient.getContainerId()).orElseThrow().message().contains("no HTTP client"));
        // The hanging container hit its own timeout and held up nobody: the run took far less than six 2 s waits per listener.
        assertTrue(note(found, "probe-limited", hang.getContainerId()).orElseThrow().message().contains("timed out"));
        assertTrue(elapsedMs < 30_000, "bounded: " + elapsedMs + " ms");
        // A page on 9090 titled Something Else is not Prometheus: it is reported as an HTTP service no rule knows, by what it said.
        Container other = find(found, somethingElse);
        assertTrue(service(other, "prometheus").isEmpty(), other.services().toString());
        DetectedService.Evidence unknown = service(other, "unrecognised-http").orElseThrow(() -> new AssertionError(other.services().toString())).evidence().get(0);
        assertEquals("exec", unknown.route());
        assertEquals(9090, unknown.port());
        assertEquals(200, unknown.httpStatus());
        assertTrue(unknown.detail().contains("title \"Something Else\""), unknown.detail());
        assertEquals(1, execs.getOrDefault(somethingElse.getContainerId(), 0));
        // Forged frames in a 3 MB page stay inside that page's (capped) answer.
        assertTrue(service(find(found, flood), "pihole").isEmpty(), find(found, flood).services().toString());
        // Metacharacters in labels were never run.
        String tmp = evil.execInContainer("ls", "/tmp").getStdout();
        assertFalse(tmp.contains("pwned"), tmp);
        assertTrue(service(find(found, evil), "test-app").isPresent());
        // No curl, nc, python3 or wget, but bash: its /dev/tcp asks.
        assertEquals("exec", service(find(found, bashOnly), "test-app").orElseThrow(() -> new AssertionError(find(found, bashOnly).services().toString()))
                .evidence().get(0).route());
        // Labels: forced and hidden.
        DetectedService f = find(found, forced).services().get(0);
        assertEquals("grafana", f.definitionId());
        assertEquals(1.0, f.confidence());
        assertTrue(found.containers().stream().noneMatch(c -> c.id().equals(hidden.getContainerId())));
        // Hidden, but named: a container missing from the inventory is never a mystery.
        String hiddenName = hidden.getContainerName().substring(1);
        Note hiddenNote = note(found, "hidden", null).orElseThrow(() -> new AssertionError(found.notes().toString()));
        assertTrue(List.of(hiddenNote.subject().split(",")).contains(hiddenName), hiddenNote.toString());
        assertTrue(hiddenNote.message().contains("scanopy.ignore=true: ") && hiddenNote.message().contains(hiddenName), hiddenNote.message());

        // Same containers, same detector: the cache answers, no exec at all.
        EngineEventLog again = new EngineEventLog();
        DockerEngine second = discover(engine, TargetSpec.local(System.getenv()), options(true, false));
        Map<String, Integer> secondExecs = again.execCreates();
        for (TestContainer c : List.of(app, grafana, flood, evil)) {
            assertEquals(0, secondExecs.getOrDefault(c.getContainerId(), 0), "cache hit for " + find(found, c).displayName() + " " + found.notes());
        }
        assertEquals(find(found, app).services(), find(second, app).services());
    }

    @Test
    // Who each exec ran as is read from the exec instances Docker's exec_create events name; Podman's
    // exec event names no exec instance, so this runs on Docker engines only (see testkit/pom.xml).
    @Tag("exec-instances")
    void theProbeRunsAsNobodyAndAsTheContainersUserOnlyWhereItCannotOtherwise() throws Exception {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
        EngineEventLog log = new EngineEventLog();
        DockerEngine found = discover(engine, TargetSpec.local(Map.of()), options(true, false));

        // busybox: /proc/net/tcp is world-readable and wget needs no privilege, so one exec as 65534:65534 does it all.
        assertEquals(List.of(DetectionOptions.DEFAULT_EXEC_USER), log.execUsers(app.getContainerId()));
        DetectedService.Evidence plain = service(find(found, app), "test-app").orElseThrow().evidence().get(0);
        assertEquals("exec", plain.route());
        assertFalse(plain.detail().contains("own user"), plain.detail());
        assertTrue(note(found, "probe-user-fallback", app.getContainerId()).isEmpty(), found.notes().toString());

        // Files only root may run: as 65534:65534 the shell starts but none of the tools it needs, so the probe
        // says so and runs once more as the container's own user (the engine records an empty user).
        assertEquals(List.of(DetectionOptions.DEFAULT_EXEC_USER, ""), log.execUsers(locked.getContainerId()));
        DetectedService.Evidence fallback = service(find(found, locked), "test-app")
                .orElseThrow(() -> new AssertionError(find(found, locked).services() + " " + found.notes())).evidence().get(0);
        assertEquals("exec", fallback.route());
        assertTrue(fallback.detail().contains("probed as the container's own user: as 65534:65534 could not use nc, od, tr"), fallback.detail());
        assertTrue(note(found, "probe-user-fallback", locked.getContainerId()).orElseThrow().message().contains("could not use nc"));

        // Unchanged containers: the cache answers, no exec in either, the fallback's reason kept with the evidence.
        EngineEventLog again = new EngineEventLog();
        DockerEngine second = discover(engine, TargetSpec.local(Map.of()), options(true, false));
        Map<String, Integer> secondExecs = again.execCreates();
        assertEquals(0, secondExecs.getOrDefault(locked.getContainerId(), 0));
        assertEquals(0, secondExecs.getOrDefault(app.getContainerId(), 0));
        assertEquals(find(found, locked).services(), find(second, locked).services());

        // Asked to, the probe runs as the container's own user from the start: one exec.
        EngineEventLog own = new EngineEventLog();
        discover(new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC()), TargetSpec.local(Map.of()), options(true, false).withExecUser(null));
        assertEquals(List.of(""), own.execUsers(locked.getContainerId()));
    }

    @Test
    void theDeadlineKeepsWhatWasFoundAndNamesWhatWasNotProbed() {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
        // The silent container needs its whole 8 s probe; detection may take 3 s in all.
        DetectionOptions tight = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(8), Duration.ofSeconds(3));
        long t0 = System.nanoTime();
        DockerEngine found = discover(engine, TargetSpec.local(System.getenv()), tight);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        Note partial = note(found, "detection-partial", null).orElseThrow(() -> new AssertionError(found.notes().toString()));
        assertTrue(partial.subject().contains(find(found, hang).displayName()), partial.toString());
        assertTrue(service(find(found, app), "test-app").isPresent(), "what was found before the deadline is kept");
        assertTrue(elapsedMs < 8_000, "the deadline, not the slow probe, ends detection: " + elapsedMs + " ms");
    }

    @Test
    void whenNeededSkipsExecWhereImageRulesAreConclusive() throws Exception {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
        DetectionOptions whenNeeded = new DetectionOptions(true, DetectionOptions.ExecPolicy.WHEN_NEEDED, false, 4, Duration.ofSeconds(4), Duration.ofSeconds(60));
        EngineEventLog counter = new EngineEventLog();
        DockerEngine found = discover(engine, TargetSpec.local(System.getenv()), whenNeeded);
        Map<String, Integer> execs = counter.execCreates();
        assertEquals(0, execs.getOrDefault(grafana.getContainerId(), 0), "grafana/grafana is conclusive by image");
        assertEquals(1, execs.getOrDefault(app.getContainerId(), 0), "an unknown image is still probed");
        assertEquals("grafana", service(find(found, grafana), "grafana").orElseThrow().definitionId());
    }

    @Test
    void noExecDegradesToImageLabelAndPortRules() {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
        DockerEngine found = discover(engine, TargetSpec.local(System.getenv()), options(false, false));
        assertTrue(note(found, "detection-without-exec", null).isPresent());
        assertTrue(service(find(found, app), "test-app").isEmpty(), "needs exec");
        DetectedService g = service(find(found, grafana), "grafana").orElseThrow();
        assertEquals(List.of("image"), g.evidence().stream().map(DetectedService.Evidence::route).distinct().toList());
        assertEquals("grafana", find(found, forced).services().get(0).definitionId());
    }

    @Test
    void publishedPortsAreProbedFromTheDaemonWhenAsked() {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
        DockerEngine found = discover(engine, TargetSpec.local(System.getenv()), options(false, true));
        DetectedService s = service(find(found, published), "test-app").orElseThrow(() -> new AssertionError(find(found, published).services().toString()));
        assertEquals("published-port", s.evidence().get(0).route());
        assertEquals(published.getMappedPort(8081), s.evidence().get(0).port());
        assertTrue(service(find(found, app), "test-app").isEmpty(), "not published: cannot be seen from outside");
    }

    @Test
    @Tag("socket-proxy") // the proxies mount Docker's socket: not part of the Podman execution
    void execDeniedByTecnativaOrWollomaticStillDiscoversEveryContainer() {
        Set<DockerEndpoint> readOnly = EnumSet.complementOf(EnumSet.of(DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT));
        var tecnativaEnv = registry.find("docker-proxy-tecnativa").orElseThrow().plugin().proxySetup(readOnly).orElseThrow().environment();
        List<String> wollomaticFlags = registry.find("docker-proxy-wollomatic").orElseThrow().plugin().proxySetup(readOnly).orElseThrow().command()
                .stream().map(f -> f.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : f).toList();
        for (ProxyContainer proxy : List.of(new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(tecnativaEnv),
                new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(wollomaticFlags))) {
            try (proxy) {
                proxy.start();
                DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(catalogue), Clock.systemUTC());
                DockerEngine found = discover(engine, new TargetSpec(URI.create(proxy.url()), null, null, Map.of()), options(true, false));
                Note degraded = note(found, "detection-degraded", null).orElseThrow(() -> new AssertionError(found.notes().toString()));
                assertTrue(degraded.message().contains("exec is denied") && degraded.message().contains("by proxy"), degraded.message());
                for (TestContainer c : List.of(app, grafana, noShell, noClient, flood, hang, evil, forced, published)) {
                    assertNotNull(find(found, c));
                }
                assertEquals("grafana", service(find(found, grafana), "grafana").orElseThrow().definitionId());
                assertTrue(service(find(found, app), "test-app").isEmpty());
                assertEquals(1.0, find(found, forced).services().get(0).confidence());
            }
        }
    }
}
