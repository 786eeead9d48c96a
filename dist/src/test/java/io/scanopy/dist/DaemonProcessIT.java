package io.scanopy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.testkit.ContainerProcesses;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.TestContainer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The daemon as a user starts it from the tarball: {@code bin/scanopy-daemon} with no command,
 * configured by flags and environment, stopped by SIGTERM.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path unpacked;
    private Path home;

    @BeforeAll
    void unpack() throws Exception {
        unpacked = Files.createTempDirectory("scanopy-daemon-it");
        Path tarball = Path.of(System.getProperty("scanopy.test.distribution"));
        Process untar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertEquals(0, untar.waitFor());
        try (var dirs = Files.list(unpacked)) {
            home = dirs.findFirst().orElseThrow();
        }
    }

    @AfterAll
    void clean() throws IOException {
        try (var paths = Files.walk(unpacked)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A daemon process whose stderr goes to a file the test reads. */
    private record Running(Process process, Path log) {
        String logText() throws IOException {
            return Files.readString(log);
        }

        /** Waits, bounded, for a log line. */
        Matcher await(Pattern pattern, Duration timeout) throws Exception {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                Matcher m = pattern.matcher(logText());
                if (m.find()) {
                    return m;
                }
                assertTrue(process.isAlive(), "daemon exited early: " + logText());
                Thread.sleep(100);
            }
            throw new AssertionError("no line matching " + pattern + " within " + timeout + ":\n" + logText());
        }
    }

    private Running start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/scanopy-daemon").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path log = Files.createTempFile(unpacked, "daemon", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Running(pb.start(), log);
    }

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, then the exit code within 5 s (the process is killed if it overstays, and the test fails). */
    private static int terminate(Process process) throws InterruptedException {
        process.destroy();
        boolean exited = process.waitFor(5, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertTrue(exited, "the daemon did not exit within 5 s of SIGTERM");
        return process.exitValue();
    }

    @Test
    void withoutACommandTheDaemonRunsServesTheInventoryKeepsTheFileAndStopsOnSigterm() throws Exception {
        int port = freePort();
        Path out = unpacked.resolve("inventory.json");
        try (TestContainer web = new TestContainer().withLabel("role", "daemon-process-it")) {
            web.start();
            Running daemon = start(Map.of("SCANOPY_DAEMON_PORT", String.valueOf(port)), "--no-exec", "--out", out.toString());
            try {
                daemon.await(Pattern.compile("local Docker ready: plugin docker-direct, engine .*API v1\\.\\d+"), Duration.ofSeconds(60));
                String url = daemon.await(Pattern.compile("inventory at (http://127\\.0\\.0\\.1:" + port + "/)"), Duration.ofSeconds(5)).group(1);

                HttpResponse<String> health = get(url + "api/health", null);
                assertEquals(200, health.statusCode(), health.body());
                assertEquals("connected", JSON.readTree(health.body()).path("targets").path(0).path("state").asText(), health.body());

                HttpResponse<String> inventory = get(url + "api/inventory", null);
                assertEquals(200, inventory.statusCode());
                assertTrue(inventory.body().contains(web.getContainerId()), "the running test container is in the served inventory");
                // The file follows within its debounce (200 ms): wait for it, bounded.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!(Files.exists(out) && Files.readString(out).contains(web.getContainerId())) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertTrue(Files.exists(out) && Files.readString(out).contains(web.getContainerId()), "--out keeps the file current");
            } finally {
                assertEquals(0, terminate(daemon.process()), daemon.logText());
            }
            assertTrue(daemon.logText().contains("stopping"), daemon.logText());
        }
    }

    @Test
    void onANonLoopbackAddressWithoutAKeyTheDaemonMakesOnePrintsItOnceAndEnforcesIt() throws Exception {
        int port = freePort();
        // Listening on every interface; the test itself only talks to 127.0.0.1.
        Running daemon = start(Map.of(), "--bind-address", "0.0.0.0", "--daemon-port", String.valueOf(port), "--no-detection");
        try {
            Matcher key = daemon.await(Pattern.compile("this run's key is ([A-Za-z0-9_-]{20,})"), Duration.ofSeconds(60));
            String url = "http://127.0.0.1:" + port + "/";
            assertEquals(401, get(url + "api/inventory", null).statusCode(), "no key, no inventory");
            assertEquals(401, get(url + "api/inventory", "wrong").statusCode(), "a wrong key is refused");
            assertEquals(200, get(url + "api/inventory", key.group(1)).statusCode(), "the printed key opens it");
            assertEquals(200, get(url + "api/health", null).statusCode(), "health stays open for probes");
            String k = key.group(1);
            assertEquals(1, daemon.logText().lines().filter(line -> line.contains(k)).count(), "the generated key is printed once, in one line");
        } finally {
            assertEquals(0, terminate(daemon.process()), daemon.logText());
        }
    }

    @Test
    void aBadPortSettingIsOneLineNamingTheVariable() throws Exception {
        Running daemon = start(Map.of("SCANOPY_DAEMON_PORT", "http"));
        assertTrue(daemon.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, daemon.process().exitValue());
        String log = daemon.logText().strip();
        assertEquals("scanopy-daemon: SCANOPY_DAEMON_PORT=http is not a port number: use 1-65535", log);
        assertFalse(log.contains("Exception"));
    }

    @Test
    void unusableTlsSettingsStopTheDaemonAtStartWithOneLine() throws Exception {
        Path missing = unpacked.resolve("no-such-dir/ca.pem");
        Running daemon = start(Map.of("SCANOPY_DOCKER_PROXY", "https://127.0.0.1:2376", "SCANOPY_DOCKER_PROXY_SSL_CHAIN", missing.toString()));
        assertTrue(daemon.process().waitFor(30, TimeUnit.SECONDS), "the daemon does not retry settings that cannot work");
        assertEquals(2, daemon.process().exitValue(), daemon.logText());
        String log = daemon.logText().strip();
        assertEquals(1, log.lines().count(), log);
        assertTrue(log.startsWith("scanopy-daemon: ") && log.contains(missing.toString()), log);
        assertFalse(log.contains("Exception"), log);
    }

    @Test
    void probesInFlightEndByTheirOwnLimitAfterSigterm() throws Exception {
        // Ports that accept and never answer: every request of the probe hangs. The probe runs as
        // uid 65533, which only this test uses, so its processes are told apart on a shared engine.
        String hang = "for p in 9000 9001 9002 9003 9004 9005; do nc -ll -p $p -e sleep 600 & done; wait";
        List<TestContainer> hanging = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hanging.add(new TestContainer().withCommand("sh", "-c", hang));
        }
        try {
            hanging.forEach(TestContainer::start);
            List<String> ids = hanging.stream().map(TestContainer::getContainerId).toList();
            Running daemon = start(Map.of("SCANOPY_DAEMON_PORT", String.valueOf(freePort())),
                    "--exec-user", "65533:65533", "--probe-timeout", "3", "--probe-concurrency", "2", "--detection-deadline", "20");
            long probing;
            try {
                // The daemon probes every container of the engine, others' too: wait until one of ours is being probed.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (ContainerProcesses.countOfUser(ids, 65533) == 0) {
                    assertTrue(System.nanoTime() < end, "no probe started in our containers within 60 s: " + daemon.logText());
                    assertTrue(daemon.process().isAlive(), daemon.logText());
                    Thread.sleep(100);
                }
                probing = System.nanoTime();
            } finally {
                assertEquals(0, terminate(daemon.process()), daemon.logText());
            }
            // Nobody waits for the probes any more; each still ends at its 3 s limit (+ ~1 s for busybox timeout's watcher).
            long end = probing + TimeUnit.SECONDS.toNanos(3 + 2);
            int left;
            while ((left = ContainerProcesses.countOfUser(ids, 65533)) > 0 && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertEquals(0, left, "probe processes 5 s after a probe with a 3 s limit was seen running: "
                    + ids.stream().flatMap(id -> ContainerProcesses.ofUser(id, 65533).stream()).toList());
        } finally {
            hanging.forEach(TestContainer::stop);
        }
    }
}
