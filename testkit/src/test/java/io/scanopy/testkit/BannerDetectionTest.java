package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Banners on real servers from Debian packages (redis-server, memcached, OpenSSH's sshd), each in a container of
 * an image that names nothing, on its default port, unpublished: only the exec probe's greeting
 * can tell what they are (a greeting's answer, or what sshd announces), in the one exec the probe takes.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BannerDetectionTest {
    private PluginRegistry registry;
    private TestContainer redis;
    private TestContainer memcached;
    private TestContainer ssh;

    @BeforeAll
    void start() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-banner-plugins"));
        String image = DebianImages.build("scanopy-testkit/debian-banners:1",
                List.of("redis-tools", "liblzf1", "libjemalloc2", "memcached", "openssh-server", "openssh-client", "libwrap0"),
                List.of("/usr/bin/redis-check-rdb", "/usr/bin/memcached", "/usr/sbin/sshd", "/usr/bin/ssh-keygen"));
        // redis-server is redis-check-rdb under another name (Debian's link): it picks its role by argv[0].
        redis = new TestContainer(image).withCommand("sh", "-c", "ln -sf /usr/bin/redis-check-rdb /usr/bin/redis-server && exec /usr/bin/redis-server --save '' --appendonly no");
        memcached = new TestContainer(image).withCommand("/usr/bin/memcached", "-u", "nobody");
        // OpenSSH's built-in defaults (an empty config: port 22), host keys made at start.
        ssh = new TestContainer(image).withCommand("sh", "-c", "mkdir -p /run/sshd /etc/ssh && ssh-keygen -A"
                + " && exec /usr/sbin/sshd -D -e -f /dev/null");
        redis.start();
        memcached.start();
        ssh.start();
        Thread.sleep(500);
    }

    @AfterAll
    void stop() {
        for (TestContainer c : new TestContainer[] {redis, memcached, ssh}) {
            if (c != null) {
                c.stop();
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void greetingsNameRealServersInOneExecEachAndTheEvidenceQuotesTheirAnswer() throws Exception {
        // The built-in catalogue plus one banner-only definition for SSH (the built-in one has none yet).
        Path file = Files.createTempFile("catalogue", ".json");
        Files.writeString(file, """
                {"services": [{"id": "test-openssh", "name": "OpenSSH (test)", "category": "remote-access", "rules": [
                  {"id": "test-openssh-banner", "banner": {"pattern": "^SSH-2\\\\.0-OpenSSH_"}, "confidence": 0.9}]}]}
                """);
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.withUserFile(file)), Clock.systemUTC());
        EngineEventLog log = new EngineEventLog();
        DetectionOptions options = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(8), Duration.ofSeconds(60));
        DiscoveryResult result = engine.discover(List.of(TargetSpec.local(System.getenv())), DiscoveryOptions.defaults().withDetection(options));
        assertEquals(List.of(), result.failures());
        DockerEngine found = result.inventory().engines().get(0);
        Map<String, Integer> execs = log.execCreates();

        DetectedService.Evidence r = banner(found, redis, "redis", "redis-ping");
        assertEquals(6379, r.port());
        assertEquals("port 6379 answered redis-ping with \"+PONG\"", r.detail());
        DetectedService.Evidence m = banner(found, memcached, "memcached", "memcached-version");
        assertEquals(11211, m.port());
        assertTrue(m.detail().matches("port 11211 answered memcached-version with \"VERSION 1\\.6\\.[0-9]+\""), m.detail());

        // SSH speaks first: no greeting, its banner itself (named through the test catalogue's rule).
        DetectedService.Evidence s = banner(found, ssh, "test-openssh", "test-openssh-banner");
        assertEquals(22, s.port());
        assertTrue(s.detail().matches("port 22 announced \"SSH-2\\.0-OpenSSH_9\\.2p1 Debian-[^\"]+\""), s.detail());
        assertEquals(1, execs.getOrDefault(ssh.getContainerId(), 0), execs.toString());
        assertEquals(1, execs.getOrDefault(redis.getContainerId(), 0), execs.toString());
        assertEquals(1, execs.getOrDefault(memcached.getContainerId(), 0), execs.toString());
    }

    /** The container's top service is the expected one, named by its banner rule, by exec. */
    private static DetectedService.Evidence banner(DockerEngine engine, TestContainer c, String id, String rule) {
        Container container = engine.containers().stream().filter(x -> x.id().equals(c.getContainerId())).findFirst()
                .orElseThrow(() -> new AssertionError(c.getContainerId() + " missing: " + engine.notes()));
        DetectedService top = container.services().get(0);
        assertEquals(id, top.definitionId(), container.services() + " " + engine.notes());
        DetectedService.Evidence e = top.evidence().stream().filter(x -> x.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError(top + " " + engine.notes()));
        assertEquals("exec", e.route());
        return e;
    }
}
