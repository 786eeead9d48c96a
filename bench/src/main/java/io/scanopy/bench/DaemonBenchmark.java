package io.scanopy.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Event;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanopy.bench.DiscoveryBenchmark.Row;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Change;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.DaemonMetrics;
import io.scanopy.engine.live.DaemonOptions;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.EngineEventLog;
import io.scanopy.testkit.TestImages;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The daemon's figures, on the local engine (direct socket): how long a Docker change takes to
 * show in the live inventory, a burst of starts, and what N unchanged containers cost at steady
 * state (execs, CPU, heap). Detection is off for the latency and burst figures (they measure
 * the event path, not the probes) and on for steady state (where it must cost nothing).
 */
final class DaemonBenchmark {
    /** Thread names the engine gives the daemon's threads (watcher, event reader, timer, detection, per-target requests, probes). */
    private static final List<String> DAEMON_THREADS = List.of("watch-", "events-", "daemon-timer-", "detection-", "target-", "probe");
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final DockerClient docker;
    private final PluginRegistry registry;
    private final DiscoveryBenchmark.Config config;
    private final String runId;
    private final List<String> created;
    private final Consumer<Row> rows;
    private final String image = TestImages.busybox();
    private int serial;

    DaemonBenchmark(DockerClient docker, PluginRegistry registry, DiscoveryBenchmark.Config config, String runId, List<String> created, Consumer<Row> rows) {
        this.docker = docker;
        this.registry = registry;
        this.config = config;
        this.runId = runId;
        this.created = created;
        this.rows = rows;
    }

    void run() throws Exception {
        eventPath();
        steadyState();
    }

    // ---- event path: latency and burst, detection off --------------------------------------

    /** When each container was first added to, and removed from, the inventory (System.nanoTime), from its change listener. */
    private final Map<String, Long> added = new ConcurrentHashMap<>();
    private final Map<String, Long> removed = new ConcurrentHashMap<>();
    /** The same moments on the wall clock, to compare with the time Docker gives its events. */
    private final Map<String, java.time.Instant> addedAt = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> removedAt = new ConcurrentHashMap<>();

    private void eventPath() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // The engine's Timer publishes a histogram; ask this registry for the two percentiles too.
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("scanopy.event.to.inventory")
                        ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config) : config;
            }
        });
        Daemon daemon = new Daemon(registry, List.of(TargetSpec.local(System.getenv())), DaemonOptions.defaults(DiscoveryOptions.defaults().withDetection(null)),
                null, new DaemonMetrics(meters, null), Clock.systemUTC());
        try {
            daemon.start();
            if (!daemon.awaitFirstSync(WAIT)) {
                throw new IllegalStateException("the daemon did not sync in " + WAIT + ": " + daemon.inventory().health());
            }
            AutoCloseable subscription = daemon.inventory().subscribe(daemon.inventory().lastChangeId(), this::changed).orElseThrow();
            try {
                latency(daemon);
                burst(daemon);
            } finally {
                subscription.close();
            }
            Timer timer = meters.find("scanopy.event.to.inventory").timer();
            if (timer != null && timer.count() > 0) {
                var snapshot = timer.takeSnapshot();
                double p50 = Double.NaN;
                double p99 = Double.NaN;
                for (ValueAtPercentile v : snapshot.percentileValues()) {
                    if (v.percentile() == 0.5) {
                        p50 = v.value(TimeUnit.MILLISECONDS);
                    } else if (v.percentile() == 0.99) {
                        p99 = v.value(TimeUnit.MILLISECONDS);
                    }
                }
                // The engine's own figure: from the last event naming a container in a burst (the start, not the network connect before it).
                rows.accept(new Row("daemon", "scanopy.event.to.inventory Timer, p50 (every change of the trials and the burst, from the last event naming the container)",
                        new Stats(List.of(p50)), "ms", String.format(Locale.ROOT, "p99 %.1f ms, max %.1f ms, n=%d", p99, snapshot.max(TimeUnit.MILLISECONDS),
                        snapshot.count()), "-"));
            } else {
                rows.accept(new Row("daemon", "scanopy.event.to.inventory Timer, p50: no event recorded", new Stats(List.of()), "ms", "-", "-"));
            }
        } finally {
            daemon.close();
        }
    }

    private void changed(Change change) {
        if (Change.CONTAINER.equals(change.type())) {
            long now = System.nanoTime();
            java.time.Instant wall = java.time.Instant.now();
            if (change.kind() == Change.Kind.ADDED) {
                added.putIfAbsent(change.objectId(), now);
                addedAt.putIfAbsent(change.objectId(), wall);
            } else if (change.kind() == Change.Kind.REMOVED) {
                removed.putIfAbsent(change.objectId(), now);
                removedAt.putIfAbsent(change.objectId(), wall);
            }
        }
    }

    private String create() {
        String id = docker.createContainerCmd(image).withName("scanopy-bench-" + runId + "-live-" + (serial++)).withLabels(Map.of(DiscoveryBenchmark.LABEL, runId))
                .withCmd("sleep", "3600").exec().getId();
        created.add(id);
        return id;
    }

    /** Waits (bounded) until the map holds the id; returns when it got there (nanoTime). */
    private static long awaitIn(Map<String, Long> map, String id, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Long at;
        while ((at = map.get(id)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " " + id + " not within " + WAIT);
            }
            Thread.sleep(1);
        }
        return at;
    }

    private void latency(Daemon daemon) throws Exception {
        int trials = Math.min(30, Math.max(10, config.containers()));
        List<Double> startMs = new ArrayList<>();
        List<Double> destroyMs = new ArrayList<>();
        int startEarly = 0;
        int destroyEarly = 0;
        List<String> ids = new ArrayList<>();
        EngineEventLog log = new EngineEventLog(System.currentTimeMillis() - 1000);
        for (int i = 0; i < trials; i++) {
            String id = create();
            ids.add(id);
            docker.startContainerCmd(id).exec();
            long started = System.nanoTime();
            long in = awaitIn(added, id, "started container");
            startMs.add(Math.max(0, in - started) / 1e6);
            startEarly += in < started ? 1 : 0;
            if (!daemon.inventory().snapshot().inventory().engines().get(0).containers().stream().anyMatch(c -> c.id().equals(id))) {
                throw new IllegalStateException("added but not in the snapshot: " + id);
            }
            docker.removeContainerCmd(id).withForce(true).exec();
            long removedAt = System.nanoTime();
            long out = awaitIn(removed, id, "destroyed container");
            destroyMs.add(Math.max(0, out - removedAt) / 1e6);
            destroyEarly += out < removedAt ? 1 : 0;
        }
        // The same trials measured from the time Docker gave its start and destroy events (its own event log).
        Map<String, java.time.Instant> startEvents = new HashMap<>();
        Map<String, java.time.Instant> destroyEvents = new HashMap<>();
        for (Event e : log.events(System.currentTimeMillis() + 1000)) {
            java.time.Instant t = e.getTimeNano() == null ? java.time.Instant.ofEpochSecond(e.getTime())
                    : java.time.Instant.ofEpochSecond(e.getTimeNano() / 1_000_000_000L, e.getTimeNano() % 1_000_000_000L);
            if ("start".equals(e.getAction())) {
                startEvents.put(e.getId(), t);
            } else if ("kill".equals(e.getAction()) || "die".equals(e.getAction()) || "destroy".equals(e.getAction())) {
                // docker rm -f of a running container: kill, die, destroy. Running only, it leaves on die (inspected: exited).
                destroyEvents.merge(e.getId(), t, (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<Double> startFromEvent = new ArrayList<>();
        List<Double> destroyFromEvent = new ArrayList<>();
        for (String id : ids) {
            if (startEvents.containsKey(id) && addedAt.containsKey(id)) {
                startFromEvent.add(Duration.between(startEvents.get(id), addedAt.get(id)).toNanos() / 1e6);
            }
            if (destroyEvents.containsKey(id) && removedAt.containsKey(id)) {
                destroyFromEvent.add(Duration.between(destroyEvents.get(id), removedAt.get(id)).toNanos() / 1e6);
            }
        }
        Stats startEvent = new Stats(startFromEvent);
        Stats destroyEvent = new Stats(destroyFromEvent);
        rows.accept(new Row("daemon", "start event (Docker's time) → in inventory (" + startFromEvent.size() + " trials, detection off)", startEvent, "ms",
                String.format(Locale.ROOT, "p99 %.1f ms", startEvent.percentile(99)), "-"));
        rows.accept(new Row("daemon", "docker rm -f: its first event, kill (Docker's time) → gone from inventory (" + destroyFromEvent.size() + " trials)", destroyEvent, "ms",
                String.format(Locale.ROOT, "p99 %.1f ms", destroyEvent.percentile(99)), "-"));
        Stats start = new Stats(startMs);
        Stats destroy = new Stats(destroyMs);
        rows.accept(new Row("daemon", "start → in inventory, after the start call returned (" + trials + " trials, detection off)", start, "ms",
                String.format(Locale.ROOT, "p99 %.1f ms; %d/%d in before the call returned (counted 0)", start.percentile(99), startEarly, trials), "-"));
        rows.accept(new Row("daemon", "destroy → gone from inventory, after docker rm -f returned (" + trials + " trials)", destroy, "ms",
                String.format(Locale.ROOT, "p99 %.1f ms; %d/%d gone before the call returned (counted 0)", destroy.percentile(99), destroyEarly, trials), "-"));
    }

    private void burst(Daemon daemon) throws Exception {
        int size = Math.min(100, config.containers());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<String> ids = new ArrayList<>();
        try {
            List<Future<String>> creates = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                creates.add(pool.submit(this::create));
            }
            for (Future<String> f : creates) {
                ids.add(f.get());
            }
            long first = System.nanoTime();
            List<Future<Long>> starts = new ArrayList<>();
            for (String id : ids) {
                starts.add(pool.submit(() -> {
                    docker.startContainerCmd(id).exec();
                    return System.nanoTime();
                }));
            }
            long last = 0;
            for (Future<Long> f : starts) {
                last = Math.max(last, f.get());
            }
            long allIn = 0;
            for (String id : ids) {
                allIn = Math.max(allIn, awaitIn(added, id, "burst container"));
            }
            Set<String> inSnapshot = new HashSet<>();
            daemon.inventory().snapshot().inventory().engines().get(0).containers().forEach(c -> inSnapshot.add(c.id()));
            if (!inSnapshot.containsAll(ids)) {
                throw new IllegalStateException("burst: not all in the snapshot");
            }
            rows.accept(new Row("daemon", "burst: " + size + " containers started at once (16 in flight) → all in inventory, after the last start returned",
                    new Stats(List.of(Math.max(0, allIn - last) / 1e9)), "s",
                    String.format(Locale.ROOT, "first start → all in: %.2f s", (allIn - first) / 1e9), "-"));
            // Leave N unchanged containers for steady state.
            List<Future<?>> removes = new ArrayList<>();
            for (String id : ids) {
                removes.add(pool.submit(() -> docker.removeContainerCmd(id).withForce(true).exec()));
            }
            for (Future<?> f : removes) {
                f.get();
            }
            for (String id : ids) {
                awaitIn(removed, id, "burst container removed");
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---- steady state: detection on ---------------------------------------------------------

    private void steadyState() throws Exception {
        ServiceDetector detector = new ServiceDetector(Catalogue.builtIn());
        Daemon daemon = new Daemon(registry, List.of(TargetSpec.local(System.getenv())), DaemonOptions.defaults(DiscoveryOptions.defaults()), detector,
                new DaemonMetrics(new SimpleMeterRegistry(), detector), Clock.systemUTC());
        try {
            daemon.start();
            if (!daemon.awaitFirstSync(WAIT)) {
                throw new IllegalStateException("the daemon did not sync in " + WAIT + ": " + daemon.inventory().health());
            }
            // The first detection is one run over every container: its execs are counted when it ends.
            long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
            while (detector.execsTotal() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(2_000);
            int containers = daemon.inventory().snapshot().inventory().engines().get(0).containers().size();

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<Long, Long> cpuBefore = daemonThreadCpu(threads);
            long processBefore = os.getProcessCpuTime();
            int execsBefore = detector.execsTotal();
            EngineEventLog log = new EngineEventLog();
            long t0 = System.nanoTime();
            Thread.sleep(config.steadySeconds() * 1000L);
            long wallNs = System.nanoTime() - t0;
            long until = System.currentTimeMillis();
            Map<Long, Long> cpuAfter = daemonThreadCpu(threads);
            long processNs = os.getProcessCpuTime() - processBefore;
            long daemonNs = 0;
            for (Map.Entry<Long, Long> e : cpuAfter.entrySet()) {
                daemonNs += e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
            }
            // The benchmark's containers only: other work on a shared engine execs in its own containers.
            Set<String> own;
            synchronized (created) {
                own = Set.copyOf(created);
            }
            int engineExecs = EngineEventLog.execCreates(log.events(until)).entrySet().stream().filter(e -> own.contains(e.getKey()))
                    .mapToInt(Map.Entry::getValue).sum();
            var heap = ManagementFactory.getMemoryMXBean();
            double usedMb = heap.getHeapMemoryUsage().getUsed() / 1048576.0;
            System.gc();
            double afterGcMb = heap.getHeapMemoryUsage().getUsed() / 1048576.0;

            String period = String.format(Locale.ROOT, "%d containers unchanged for %d s", containers, config.steadySeconds());
            // The daemon's own count: on a shared engine other clients (tests running detection) exec in these containers too.
            rows.accept(new Row("daemon", "steady state: execs the daemon's detector started (" + period + ", detection on)", new Stats(List.of((double) (detector.execsTotal() - execsBefore))), "",
                    "the engine saw " + engineExecs + " exec_create in the benchmark's containers (every client of the shared engine)", "0"));
            rows.accept(new Row("daemon", "steady state: CPU of the daemon's threads (ThreadMXBean, " + String.join("/", DAEMON_THREADS) + "*), % of one core",
                    new Stats(List.of(100.0 * daemonNs / wallNs)), "%", String.format(Locale.ROOT, "%.1f ms of CPU in %d s over %d threads (%.3f %%); whole bench JVM (process CPU): %.2f %%", daemonNs / 1e6,
                    config.steadySeconds(), cpuAfter.size(), 100.0 * daemonNs / wallNs, 100.0 * processNs / wallNs), "-"));
            rows.accept(new Row("daemon", "steady state: heap used with the daemon running (bench JVM, testkit loaded)", new Stats(List.of(usedMb)), "MB",
                    String.format(Locale.ROOT, "after GC: %.1f MB", afterGcMb), "-"));
        } finally {
            daemon.close();
            detector.close();
        }
    }

    private static Map<Long, Long> daemonThreadCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (DAEMON_THREADS.stream().anyMatch(t.getName()::startsWith)) {
                long ns = threads.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    cpu.put(t.getId(), ns);
                }
            }
        }
        return cpu;
    }
}
