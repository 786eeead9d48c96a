package io.scanopy.bench;

import io.scanopy.bench.DiscoveryBenchmark.Row;
import io.scanopy.testkit.EngineEventLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon as users run it — {@code bin/scanopy-daemon} from the tarball, a process of its
 * own — on the benchmark's N containers: its whole-process CPU and memory at steady state
 * (from /proc), the execs the engine saw meanwhile, {@code GET /api/inventory} under 8 clients
 * beside a floor serving the same bytes (rounds interleaved), and how long SIGTERM takes.
 */
final class DaemonProcessBenchmark {
    private static final int CLIENTS = 8;
    private static final int REQUESTS_PER_CLIENT = 250;
    private static final long CLOCK_TICKS = 100;

    private final DiscoveryBenchmark.Config config;
    private final Path home;
    private final Consumer<Row> rows;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String filter;
    private final java.util.Collection<String> ownContainers;

    /**
     * @param config the run
     * @param home the unpacked distribution
     * @param filter the daemon's {@code --filter}: the benchmark's own containers, so what it watches stays N on a shared engine
     * @param ownContainers ids of the benchmark's containers: the execs counted at steady state are those in them
     * @param rows where the rows go
     */
    DaemonProcessBenchmark(DiscoveryBenchmark.Config config, Path home, String filter, java.util.Collection<String> ownContainers, Consumer<Row> rows) {
        this.config = config;
        this.home = home;
        this.filter = filter;
        this.ownContainers = ownContainers;
        this.rows = rows;
    }

    void run() throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("bench-daemon", ".log");
        long started = System.nanoTime();
        Process launcher = new ProcessBuilder(home.resolve("bin/scanopy-daemon").toString(), "--daemon-port", String.valueOf(port), "--filter", filter)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base, launcher, log);
            double readyMs = (System.nanoTime() - started) / 1e6;
            rows.accept(new Row("daemon process", "bin/scanopy-daemon: start → every target ready (first sync, N=" + config.containers() + ")",
                    new Stats(List.of(readyMs)), "ms", "-", "-"));
            long detectionStart = System.nanoTime();
            long execs = awaitDetectionSettled(base);
            rows.accept(new Row("daemon process", "first detection of all containers, until the exec counter stays still 3 s (" + execs + " execs)",
                    new Stats(List.of((System.nanoTime() - detectionStart) / 1e9 - 3)), "s", "-", "-"));
            long pid = javaPid(launcher);
            steadyState(pid, base);
            httpLoad(base);
            terminate(launcher);
        } finally {
            if (launcher.isAlive()) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitReady(String base, Process launcher, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < end) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the daemon exited: " + Files.readString(log));
            }
            try {
                if (get(base + "/api/health", null).body().contains("\"ready\":true")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the daemon was not ready in 300 s: " + Files.readString(log));
    }

    private double execsStarted(String base) throws Exception {
        Matcher m = EXECS.matcher(get(base + "/metrics", null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static final Pattern EXECS = Pattern.compile("(?m)^scanopy_execs_started_total (\\S+)$");

    /** Waits (bounded) until the daemon's exec counter has not moved for 3 s; returns it. */
    private long awaitDetectionSettled(String base) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        double last = -1;
        long stillSince = System.nanoTime();
        while (System.nanoTime() < end) {
            Matcher m = EXECS.matcher(get(base + "/metrics", null).body());
            double now = m.find() ? Double.parseDouble(m.group(1)) : 0;
            if (now != last) {
                last = now;
                stillSince = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - stillSince > TimeUnit.SECONDS.toNanos(3)) {
                return (long) now;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("detection did not settle in 600 s");
    }

    /** The java process: the launcher execs it, except on the run that writes the class-data archive, where it is a child. */
    private static long javaPid(Process launcher) {
        return launcher.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .map(ProcessHandle::pid).findFirst().orElse(launcher.pid());
    }

    private void steadyState(long pid, String base) throws Exception {
        EngineEventLog log = new EngineEventLog();
        double execsBefore = execsStarted(base);
        long cpuBefore = cpuTicks(pid);
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(config.steadySeconds()));
        long cpuAfter = cpuTicks(pid);
        double execsAfter = execsStarted(base);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long until = System.currentTimeMillis();
        double cpuPercent = (cpuAfter - cpuBefore) * 100.0 / CLOCK_TICKS / seconds;
        rows.accept(new Row("daemon process", String.format(Locale.ROOT, "steady state, whole process: CPU over %.0f s, N=%d unchanged (from /proc: user+system)",
                seconds, config.containers()), new Stats(List.of(cpuPercent)), "% of a core", (cpuAfter - cpuBefore) * 10 + " ms of CPU", "< 1% of a core"));
        Set<String> own = Set.copyOf(ownContainers);
        int execs = EngineEventLog.execCreates(log.events(until)).entrySet().stream().filter(e -> own.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
        // The daemon's own count: on a shared engine other clients (tests running detection) exec in these containers too.
        rows.accept(new Row("daemon process", "steady state, whole process: execs the daemon started (scanopy_execs_started_total)", new Stats(List.of(execsAfter - execsBefore)),
                "execs", "the engine saw " + execs + " exec_create in the benchmark's containers (every client of the shared engine)", "0"));
        rows.accept(new Row("daemon process", "RSS after steady state (VmRSS)", new Stats(List.of(status(pid, "VmRSS") / 1024.0)), "MB", "-",
                "<= 256 MB at N=500"));
        rows.accept(new Row("daemon process", "peak RSS so far (VmHWM, first sync and detection included)", new Stats(List.of(status(pid, "VmHWM") / 1024.0)), "MB", "-",
                "<= 256 MB at N=500"));
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A /proc/PID/status field in kB. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    /** Rounds interleaved: daemon, daemon with If-None-Match, floor; each the same 8 × 250 requests. */
    private void httpLoad(String base) throws Exception {
        HttpResponse<String> full = get(base + "/api/inventory", null);
        etag.set(full.headers().firstValue("ETag").orElseThrow());
        Path body = Files.createTempFile("bench-inventory", ".json");
        Files.writeString(body, full.body());
        int floorPort = freePort();
        // TCP_NODELAY, as Jetty sets it: without it the JDK server's answers wait on delayed ACKs (~40 ms each).
        Process floor = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dsun.net.httpserver.nodelay=true",
                "-cp", System.getProperty("java.class.path"),
                StaticJsonServer.class.getName(), String.valueOf(floorPort), body.toString()).redirectErrorStream(true).start();
        try {
            if (!new String(floor.getInputStream().readNBytes(5)).equals("ready")) {
                throw new IllegalStateException("the floor server did not start");
            }
            String floorUrl = "http://127.0.0.1:" + floorPort + "/api/inventory";
            List<Load> daemonFull = new ArrayList<>();
            List<Load> daemonCached = new ArrayList<>();
            List<Load> floorFull = new ArrayList<>();
            load(base + "/api/inventory", false);
            load(floorUrl, false);
            for (int round = 0; round < config.rounds(); round++) {
                daemonFull.add(load(base + "/api/inventory", false));
                daemonCached.add(load(base + "/api/inventory", true));
                floorFull.add(load(floorUrl, false));
            }
            String size = String.format(Locale.ROOT, "%.0f kB", full.body().length() / 1024.0);
            report("GET /api/inventory (" + size + "), " + CLIENTS + " clients", daemonFull, floorFull);
            report("GET /api/inventory with If-None-Match (304), " + CLIENTS + " clients" + (changed.get() == 0 ? ""
                    : " (" + changed.get() + " answered 200 with a new ETag — the inventory changed — left out)"), daemonCached, floorFull);
            report("floor: the same bytes from the JDK's HTTP server (a process of its own), " + CLIENTS + " clients", floorFull, null);
        } finally {
            floor.destroyForcibly();
            Files.deleteIfExists(body);
        }
    }

    private record Load(double p50, double p99, double perSecond) {
    }

    /** The ETag conditional requests send: the inventory's, renewed when it changes (something else on the shared engine changed). */
    private final java.util.concurrent.atomic.AtomicReference<String> etag = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger changed = new java.util.concurrent.atomic.AtomicInteger();

    private Load load(String url, boolean conditional) throws Exception {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(clients.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        long start = System.nanoTime();
                        HttpResponse<String> r = get(url, conditional ? etag.get() : null);
                        if (conditional && r.statusCode() == 200 && r.headers().firstValue("ETag").isPresent()) {
                            // Not a 304 to time: the inventory changed; the next requests ask with its new ETag.
                            etag.set(r.headers().firstValue("ETag").get());
                            changed.incrementAndGet();
                            continue;
                        }
                        if (r.statusCode() != (conditional ? 304 : 200)) {
                            throw new IllegalStateException(url + " answered " + r.statusCode());
                        }
                        latencies.add((System.nanoTime() - start) / 1e6);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Stats stats = new Stats(latencies);
        return new Load(stats.percentile(50), stats.percentile(99), latencies.size() / seconds);
    }

    private void report(String what, List<Load> ours, List<Load> floor) {
        Stats p99 = new Stats(ours.stream().map(Load::p99).toList());
        Stats rate = new Stats(ours.stream().map(Load::perSecond).toList());
        String versus = floor == null ? "-" : String.format(Locale.ROOT, "%.2fx the floor's requests/s", rate.median() / new Stats(floor.stream().map(Load::perSecond).toList()).median());
        rows.accept(new Row("http", what + ": requests/s", rate, "/s", versus, "-"));
        rows.accept(new Row("http", what + ": p99 latency (p50 " + String.format(Locale.ROOT, "%.1f", new Stats(ours.stream().map(Load::p50).toList()).median()) + " ms)",
                p99, "ms", "-", "-"));
    }

    private void terminate(Process launcher) throws Exception {
        long t0 = System.nanoTime();
        launcher.destroy();
        boolean exited = launcher.waitFor(10, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        rows.accept(new Row("daemon process", "SIGTERM → exited (" + (exited ? "exit code " + launcher.exitValue() : "still running after 10 s") + ")",
                new Stats(List.of(ms)), "ms", "-", "<= 5000 ms, exit 0"));
    }

    private HttpResponse<String> get(String url, String etag) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
