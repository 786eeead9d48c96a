package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.config.ContainerFilter;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.Transferable;

/**
 * Detection on real software: services from Debian packages, each in a container of an image
 * that names nothing, started with the configuration its package ships and on its default port,
 * unpublished and undeclared — so only the exec probe can tell what it is. Three routes over the
 * same set, each printed as recall and precision of the top name: exec (the probe), no exec (what
 * is left without it: nothing to go on here), and image (the same software under references
 * upstream publishes it as, exec off). The exec and image routes fail below 0.9.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealSoftwareDetectionTest {
    /** Which of this test's containers a discovery judges. */
    private static final String ROUTE_LABEL = "io.scanopy.test.detection-route";
    private static final double FLOOR = 0.9;

    /**
     * One service of the set.
     *
     * @param service the start.sh case that starts it
     * @param expected the catalogue definition that must be its top name
     * @param port the port it listens on once ready (its default)
     * @param upstream a reference the software is published under (registry host and tag as users write them)
     */
    record Software(String service, String expected, int port, String upstream) {
    }

    static final List<Software> SET = List.of(
            new Software("redis", "redis", 6379, "redis:7.0"),
            new Software("memcached", "memcached", 11211, "bitnami/memcached:1.6"),
            new Software("openssh", "openssh", 22, "lscr.io/linuxserver/openssh-server:latest"),
            new Software("nginx", "nginx", 80, "nginx:1.22"),
            new Software("apache2", "apache-httpd", 80, "httpd:2.4"),
            new Software("lighttpd", "lighttpd", 80, "sebp/lighttpd:latest"),
            new Software("caddy", "caddy", 80, "caddy:2.6"),
            new Software("postgresql", "postgresql", 5432, "postgres:15"),
            new Software("mariadb", "mariadb", 3306, "mariadb:10.11"),
            new Software("dovecot", "dovecot", 143, "dovecot/dovecot:2.3"),
            new Software("nats", "nats", 4222, "nats:2.9"),
            new Software("prometheus", "prometheus", 9090, "quay.io/prometheus/prometheus:v2.42.0"),
            new Software("node-exporter", "node-exporter", 9100, "prom/node-exporter:v1.5.0"),
            new Software("influxdb", "influxdb", 8086, "influxdb:1.6"),
            new Software("transmission", "transmission", 9091, "lscr.io/linuxserver/transmission:latest"),
            new Software("syncthing", "syncthing", 8384, "syncthing/syncthing:1.19"),
            new Software("etcd", "etcd", 2379, "quay.io/coreos/etcd:v3.4.23"),
            new Software("mosquitto", "mosquitto", 1883, "eclipse-mosquitto:2.0"),
            new Software("tinyproxy", "tinyproxy", 8888, "vimagick/tinyproxy:latest"),
            new Software("squid", "squid", 3128, "ubuntu/squid:5.7"),
            new Software("icecast2", "icecast", 8000, "moul/icecast:latest"),
            new Software("beanstalkd", "beanstalkd", 11300, "schickling/beanstalkd:latest"),
            new Software("opensmtpd", "opensmtpd", 25, "ghcr.io/opensmtpd/opensmtpd:latest"),
            new Software("rsync", "rsync", 873, "instrumentisto/rsync-ssh:latest"));

    /** The packages, and the libraries they need that a Debian 12 host with the test tools lacks. */
    static final List<String> PACKAGES = List.of(
            "redis-server", "redis-tools", "liblzf1", "libjemalloc2", "memcached",
            "openssh-server", "openssh-client", "openssh-sftp-server", "libwrap0",
            "nginx", "nginx-common", "apache2", "apache2-bin", "apache2-data", "apache2-utils", "libapr1", "libaprutil1",
            "libaprutil1-dbd-sqlite3", "libaprutil1-ldap", "lighttpd", "perl-base", "media-types", "caddy",
            "postgresql-15", "postgresql-client-15", "libpq5", "mariadb-server", "mariadb-server-core", "mariadb-client-core",
            "libmariadb3", "mariadb-common", "liburing2", "libaio1", "opensmtpd",
            "dovecot-core", "dovecot-imapd", "dovecot-pop3d", "liblua5.4-0", "libexttextcat-2.0-0", "libexttextcat-data", "openssl",
            "nats-server", "rsync", "prometheus", "prometheus-node-exporter", "influxdb",
            "transmission-daemon", "transmission-common", "libnatpmp1", "libminiupnpc17", "syncthing", "etcd-server",
            "mosquitto", "libmosquitto1", "libcjson1", "libdlt2", "tinyproxy", "tinyproxy-bin",
            "squid", "squid-common", "libecap3", "libltdl7", "icecast2", "libtheora0", "libspeex1", "beanstalkd");

    /** The system users the packages' maintainer scripts would have made. */
    static final List<String> USERS = List.of(
            "www-data:33:/var/www", "proxy:13:/bin", "redis:101:/var/lib/redis", "memcache:102:/nonexistent", "sshd:103:/run/sshd",
            "postgres:104:/var/lib/postgresql", "mysql:105:/nonexistent", "opensmtpd:107:/var/lib/opensmtpd/empty",
            "opensmtpq:108:/var/lib/opensmtpd/empty", "dovecot:109:/usr/lib/dovecot", "dovenull:110:/nonexistent",
            "prometheus:112:/var/lib/prometheus", "influxdb:113:/var/lib/influxdb",
            "debian-transmission:114:/var/lib/transmission-daemon", "syncthing:115:/var/lib/syncthing", "etcd:116:/var/lib/etcd",
            "mosquitto:117:/var/lib/mosquitto", "tinyproxy:118:/run/tinyproxy", "icecast2:119:/usr/share/icecast2");

    private final Map<Software, TestContainer> running = new LinkedHashMap<>();
    private final Map<Software, TestContainer> named = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();
    private PluginRegistry registry;

    @BeforeAll
    void start() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-real-plugins"));
        String image = DebianImages.software("scanopy-testkit/debian-software", PACKAGES, USERS);
        byte[] script;
        try (InputStream in = getClass().getResourceAsStream("real-software/start.sh")) {
            script = in.readAllBytes();
        }
        String tagSuffix = "scanopy-test-" + TestContainer.RUN_ID.substring(0, 8);
        for (Software s : SET) {
            running.put(s, new TestContainer(image).withLabel(ROUTE_LABEL, "exec")
                    .withCopyToContainer(Transferable.of(script, 0755), "/scanopy/start.sh")
                    .withCommand("/scanopy/start.sh", s.service()));
            // The image route: the same image under the name upstream publishes it as; the container need not serve.
            String repository = s.upstream().substring(0, s.upstream().lastIndexOf(':'));
            DockerClientFactory.instance().client().tagImageCmd(image, repository, tagSuffix).exec();
            tags.add(repository + ":" + tagSuffix);
            named.put(s, new TestContainer(repository + ":" + tagSuffix).withLabel(ROUTE_LABEL, "image"));
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        running.values().forEach(c -> starts.add(CompletableFuture.runAsync(c::start)));
        named.values().forEach(c -> starts.add(CompletableFuture.runAsync(c::start)));
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        // Ready means listening on its port; asked before the event log below starts counting execs.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (Map.Entry<Software, TestContainer> e : running.entrySet()) {
            TestContainer c = e.getValue();
            while (!c.isRunning() || c.execInContainer("/scanopy/start.sh", "listening", String.valueOf(e.getKey().port())).getExitCode() != 0) {
                if (System.nanoTime() > deadline || !c.isRunning()) {
                    throw new AssertionError(e.getKey().service() + " is not listening on " + e.getKey().port()
                            + (c.isRunning() ? " after 90 s: " : ", it exited: ")
                            + tail(c.getLogs()));
                }
                Thread.sleep(250);
            }
        }
    }

    @AfterAll
    void stop() {
        running.values().forEach(TestContainer::stop);
        named.values().forEach(TestContainer::stop);
        for (String tag : tags) {
            try {
                DockerClientFactory.instance().client().removeImageCmd(tag).withNoPrune(true).exec();
            } catch (RuntimeException e) {
                // Already gone: harmless.
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void theProbeNamesRealSoftwareOnUndeclaredPortsInOneExecEach() throws Exception {
        EngineEventLog log = new EngineEventLog();
        Map<Software, Container> found = discover("exec", true);
        Score exec = score(found);
        Map<Software, Container> withoutExec = discover("exec", false);
        Score noExec = score(withoutExec);
        Score byImage = score(discover("image", false));
        Map<String, Integer> execs = log.execCreates(TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID);

        StringBuilder table = new StringBuilder("| software (Debian package) | default port | expected | named by exec | evidence | without exec | by image |\n|---|---|---|---|---|---|---|\n");
        for (Software s : SET) {
            Container c = found.get(s);
            DetectedService top = c.services().isEmpty() ? null : c.services().get(0);
            table.append("| ").append(s.service()).append(" | ").append(s.port()).append(" | ").append(s.expected())
                    .append(" | ").append(top == null ? "-" : top.definitionId() + String.format(Locale.ROOT, " (%.2f)", top.confidence()))
                    .append(top != null && top.definitionId().equals(s.expected()) ? " ✓" : " ✗")
                    .append(" | ").append(top == null ? "-" : strongest(top).replace("|", "\\|"))
                    .append(" | ").append(exec.topOf(withoutExec.get(s)))
                    .append(" | ").append(byImage.tops.get(s))
                    .append(" |\n");
        }
        table.append(String.format(Locale.ROOT, "%nexec: recall %.2f, precision %.2f (%d of %d named, %d right) · without exec: recall %.2f, precision %s · image: recall %.2f, precision %.2f%n",
                exec.recall(), exec.precision(), exec.named, SET.size(), exec.right, noExec.recall(), noExec.named == 0 ? "n/a (nothing named)" : String.format(Locale.ROOT, "%.2f", noExec.precision()),
                byImage.recall(), byImage.precision()));
        System.out.println(table);

        for (Software s : SET) {
            assertEquals(1, execs.getOrDefault(running.get(s).getContainerId(), 0), s.service() + ": one exec per container " + execs);
        }
        // The evidence says what was seen: the greeting's answer, the banner's first line, the status, title and header.
        assertEquals("port 6379 answered redis-ping with \"+PONG\"", strongest(found.get(SET.get(0)).services().get(0)));
        assertMatches("port 11211 answered memcached-version with \"VERSION 1\\.6\\.[0-9]+\"", found, "memcached");
        assertMatches("port 22 announced \"SSH-2\\.0-OpenSSH_9\\.2p1 Debian-[^\"]+\"", found, "openssh");
        assertMatches("port 3306 announced \"MySQL protocol 10, server version [0-9.]+-10\\.11\\.[0-9]+-MariaDB[^\"]*\"", found, "mariadb");
        assertMatches("GET / answered 200, title \"Welcome to nginx!\", header server: nginx/1\\.22\\.[0-9]+", found, "nginx");
        assertMatches("GET / answered 200, header x-syncthing-version: v1\\.19\\.[^ ]+", found, "syncthing");
        assertTrue(exec.recall() >= FLOOR && exec.precision() >= FLOOR, "exec route below " + FLOOR + "\n" + table);
        assertTrue(byImage.recall() >= FLOOR && byImage.precision() >= FLOOR, "image route below " + FLOOR + "\n" + table);
        // Without exec the set gives nothing to go on; whatever is named must still be right.
        assertTrue(noExec.named == 0 || noExec.precision() >= FLOOR, "without exec, wrong names\n" + table);
    }

    private static void assertMatches(String pattern, Map<Software, Container> found, String service) {
        Container c = found.get(SET.stream().filter(s -> s.service().equals(service)).findFirst().orElseThrow());
        String evidence = c.services().isEmpty() ? "(nothing named)" : strongest(c.services().get(0));
        assertTrue(evidence.matches(pattern), service + ": " + evidence);
    }

    /** The exec evidence that says most: what a port answered or announced, before a port seen listening. */
    private static String strongest(DetectedService service) {
        List<DetectedService.Evidence> exec = service.evidence().stream().filter(e -> e.route().equals("exec")).toList();
        return exec.stream().filter(e -> !e.detail().contains("listening")).findFirst().or(() -> exec.stream().findFirst())
                .map(DetectedService.Evidence::detail).orElse("-");
    }

    private Map<Software, Container> discover(String route, boolean exec) throws Exception {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        DetectionOptions options = new DetectionOptions(exec, DetectionOptions.ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(10), Duration.ofSeconds(120));
        ContainerFilter filter = ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID, "label=" + ROUTE_LABEL + "=" + route));
        DiscoveryResult result = engine.discover(List.of(TargetSpec.local(System.getenv())), DiscoveryOptions.defaults().withDetection(options).withFilter(filter));
        assertEquals(List.of(), result.failures());
        DockerEngine found = result.inventory().engines().get(0);
        Map<String, Container> byId = found.containers().stream().collect(Collectors.toMap(Container::id, c -> c));
        Map<Software, TestContainer> containers = route.equals("exec") ? running : named;
        Map<Software, Container> out = new LinkedHashMap<>();
        for (Software s : SET) {
            Container c = byId.get(containers.get(s).getContainerId());
            if (c == null) {
                TestContainer gone = containers.get(s);
                throw new AssertionError(s.service() + " (" + route + ") not discovered" + (gone.isRunning() ? "" : ", it exited: " + tail(gone.getLogs()))
                        + " " + found.notes());
            }
            out.put(s, c);
        }
        return out;
    }

    /** Recall: right top names of all; precision: right top names of those named. */
    private static final class Score {
        final Map<Software, String> tops = new LinkedHashMap<>();
        int named;
        int right;

        double recall() {
            return right / (double) SET.size();
        }

        double precision() {
            return named == 0 ? 0 : right / (double) named;
        }

        String topOf(Container c) {
            return c.services().isEmpty() ? "-" : c.services().get(0).definitionId();
        }
    }

    private static Score score(Map<Software, Container> found) {
        Score score = new Score();
        for (Map.Entry<Software, Container> e : found.entrySet()) {
            String top = score.topOf(e.getValue());
            boolean isRight = top.equals(e.getKey().expected());
            score.tops.put(e.getKey(), "-".equals(top) ? "-" : top + (isRight ? " ✓" : " ✗"));
            if (!"-".equals(top)) {
                score.named++;
                if (isRight) {
                    score.right++;
                }
            }
        }
        return score;
    }

    private static String tail(String logs) {
        return logs.length() > 600 ? "…" + logs.substring(logs.length() - 600) : logs;
    }
}
