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
import io.scanopy.testkit.RealSoftware.Software;
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

/**
 * Detection on real software ({@link RealSoftware}): services from Debian packages, each in a
 * container of an image that names nothing, started with the configuration its package ships and
 * on its default port, unpublished and undeclared — so only the exec probe can tell what it is. Three routes over the
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

    private final Map<Software, TestContainer> running = new LinkedHashMap<>();
    private final Map<Software, TestContainer> named = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();
    private PluginRegistry registry;

    @BeforeAll
    void start() throws Exception {
        registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-real-plugins"));
        String image = RealSoftware.image();
        String tagSuffix = "scanopy-test-" + TestContainer.RUN_ID.substring(0, 8);
        for (Software s : RealSoftware.SET) {
            running.put(s, RealSoftware.container(s).withLabel(ROUTE_LABEL, "exec"));
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
        for (Map.Entry<Software, TestContainer> e : running.entrySet()) {
            RealSoftware.awaitListening(e.getKey(), e.getValue(), 90);
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

        StringBuilder table = new StringBuilder("| software | default port | expected | named by exec | evidence (exec) | without exec | by image |\n|---|---|---|---|---|---|---|\n");
        for (Software s : RealSoftware.SET) {
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
                exec.recall(), exec.precision(), exec.named, RealSoftware.SET.size(), exec.right, noExec.recall(), noExec.named == 0 ? "n/a (nothing named)" : String.format(Locale.ROOT, "%.2f", noExec.precision()),
                byImage.recall(), byImage.precision()));
        System.out.println(table);

        for (Software s : RealSoftware.SET) {
            assertEquals(1, execs.getOrDefault(running.get(s).getContainerId(), 0), s.service() + ": one exec per container " + execs);
        }
        // The evidence says what was seen: the greeting's answer, the banner's first line, the status, title and header.
        assertEquals("port 6379 answered redis-ping with \"+PONG\"", strongest(found.get(RealSoftware.SET.get(0)).services().get(0)));
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
        Container c = found.get(RealSoftware.SET.stream().filter(s -> s.service().equals(service)).findFirst().orElseThrow());
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
        for (Software s : RealSoftware.SET) {
            Container c = byId.get(containers.get(s).getContainerId());
            if (c == null) {
                TestContainer gone = containers.get(s);
                throw new AssertionError(s.service() + " (" + route + ") not discovered" + (gone.isRunning() ? "" : ", it exited: " + RealSoftware.lastOf(gone.getLogs()))
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
            return right / (double) RealSoftware.SET.size();
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
}
