package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.cli.ScanopyDaemon;
import io.scanopy.testkit.fault.Fault;
import io.scanopy.testkit.fault.FaultServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code discover} and {@code doctor} against a fault server standing in for the proxy (a fault
 * injector: see {@link FaultServer}): each fault ends in one line naming the target and what went
 * wrong, with exit code 1, within the target timeout (2 s here) plus slack — never a hang, a
 * stack trace, or an "OK" for something that is not Docker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultCliTest {
    /** The target timeout the tests set (--target-timeout). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Start-up, plugin loading and the JVM's own pauses: an upper bound on a fault path, not a timing assertion. */
    static final Duration SLACK = Duration.ofSeconds(4);

    private Path pluginsDir;
    private final List<String> table = new ArrayList<>();

    record Run(int code, String out, String err, Duration took) {
    }

    @BeforeAll
    void copyPlugins() throws Exception {
        pluginsDir = Files.createTempDirectory("scanopy-fault-plugins");
        try (var files = Files.list(PluginFixtures.builtFolder("scanopy.test.pluginArchives"))) {
            for (Path p : files.toList()) {
                Files.copy(p, pluginsDir.resolve(p.getFileName()));
            }
        }
    }

    /**
     * The first request of a fresh JVM loads the whole HTTP stack, which can take a good part of
     * a 2 s deadline on a busy machine: one run against a quick fault first, so each test's
     * stage is the fault's, not the class loader's.
     */
    @BeforeAll
    void warmUp() throws Exception {
        try (FaultServer server = FaultServer.start(Fault.HTTP_500)) {
            run("--docker-proxy", server.url(), "discover", "--output", "json");
        }
    }

    @AfterAll
    void writeTable() throws Exception {
        Path report = Path.of("target", "fault-table.md");
        Files.createDirectories(report.getParent());
        Files.write(report, table);
    }

    Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins-dir", pluginsDir.toString(), "--target-timeout", String.valueOf(TIMEOUT.toSeconds())));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = ScanopyDaemon.run(all.toArray(new String[0]), Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** The one line {@code discover} prints for each fault (after "scanopy-daemon: "). */
    static String expectedDiscoverLine(Fault fault, String url) {
        String probe = "DELETE /scanopy-flavor-probe";
        String q = java.util.regex.Pattern.quote(url);
        return switch (fault) {
            case SLOW_BODY -> "No complete answer from " + q + " to " + probe + " within 2 s \\(stalled reading the body\\) — .*--target-timeout.*";
            case SLOWLORIS, ACCEPT_AND_HANG, PING_ONLY ->
                    "No complete answer from " + q + " to " + probe + " within 2 s \\(stalled waiting for the status line and headers\\) — .*";
            case GARBAGE -> "The answer from " + q + " to " + probe + " is not Docker's: \\\\x00\\\\x07\\\\x1b\\[2J\\\\x1b\\]0;garbage\\\\x07 SSH-2\\.0-not-http — .*";
            case HTTP_500 -> "Cannot list containers on " + q + " — GET /containers/json failed with HTTP 500 \\(Internal Server Error\\) — .*check its logs";
            case HTML_200 -> "Not a Docker API at " + q + ": the answer to GET /_ping \\(HTTP 200\\) is not Docker's: <!DOCTYPE html> <html><head><title>Welcome</title>.*";
            case OVERSIZED_BODY, ENDLESS_BODY ->
                    "Not a Docker API at " + q + ": the answer to GET /_ping \\(HTTP 200\\) is not Docker's: an answer larger than 64 KiB, starting \\[\\{\"Id\".*";
            case CLOSE_MID_BODY -> q + " closed the connection before its answer to " + probe + " was complete \\(while reading the body\\) — .*";
            case HEADERS_THEN_SILENCE -> "No complete answer from " + q + " to " + probe + " within 2 s \\(stalled reading the body\\) — .*";
        };
    }

    @ParameterizedTest(name = "discover: {0}")
    @EnumSource(Fault.class)
    void discoverFailsInOneLineWithinTheTargetTimeout(Fault fault) throws Exception {
        try (FaultServer server = FaultServer.start(fault)) {
            Run run = run("--docker-proxy", server.url(), "discover", "--output", "json");
            List<String> lines = run.err().lines().toList();
            table.add("| " + fault + " | discover | " + run.code() + " | " + run.took().toMillis() + " ms | " + String.join(" / ", lines) + " |");
            assertEquals(1, run.code(), run.err());
            assertEquals("", run.out());
            assertEquals(1, lines.size(), "one line: " + run.err());
            assertTrue(lines.get(0).matches("scanopy-daemon: " + expectedDiscoverLine(fault, server.url())), lines.get(0));
            assertTrue(lines.get(0).chars().noneMatch(Character::isISOControl), "control characters escaped: " + lines.get(0));
            assertTrue(run.took().compareTo(TIMEOUT.plus(SLACK)) < 0, "took " + run.took());
        }
    }

    @ParameterizedTest(name = "doctor: {0}")
    @EnumSource(Fault.class)
    void doctorNeverSaysOkToSomethingThatIsNotDocker(Fault fault) throws Exception {
        try (FaultServer server = FaultServer.start(fault)) {
            Run run = run("--docker-proxy", server.url(), "doctor");
            String verdict = run.out().lines().filter(l -> l.contains("verdict:")).findFirst().orElse("(none)");
            table.add("| " + fault + " | doctor | " + run.code() + " | " + run.took().toMillis() + " ms | " + verdict.strip() + " |");
            assertEquals(1, run.code(), run.out() + run.err());
            assertTrue(verdict.startsWith("  verdict:    FAILED — "), run.out());
            assertTrue(run.out().chars().noneMatch(c -> c != '\n' && Character.isISOControl(c)), "control characters escaped: " + run.out());
            assertTrue(run.out().lines().noneMatch(l -> l.matches("\\s+(GET|POST) \\S+\\s+allowed\\b.*")), "no endpoint is allowed: " + run.out());
            assertTrue(run.out().contains("allowed:  nothing") || !run.out().contains("Privileges"), run.out());
            assertTrue(run.took().compareTo(TIMEOUT.plus(SLACK)) < 0, "took " + run.took());
        }
    }
}
