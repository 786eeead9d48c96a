package io.scanopy.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ExecProbe;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.PluginFixtures;
import io.scanopy.testkit.RealSoftware;
import io.scanopy.testkit.TestContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;

/**
 * Detection speed on real software: the test kit's {@link RealSoftware} set (24 services from
 * Debian packages, HTTP and banner-speaking alike), 4 probes in flight, rounds interleaved. Per
 * round, on the same containers: the raw exec floor ({@code true}), the probe script run by a
 * minimal client without its banner section (detection as it was before banners) and whole, and
 * the engine's discovery with detection (list and inspect included) and without it. The banner
 * section's cost is the difference between the two probe rows; the engine's overhead is its row
 * against the whole probe's.
 *
 * <p>Run: {@code scripts/bench-real-software.sh [rounds=5]}.
 */
public final class RealSoftwareBenchmark {
    private static final int CONCURRENCY = 4;
    /** Where the probe's banner section starts and ends: the benchmark fails if the script no longer has them. */
    private static final String BANNER_START = "  # Not HTTP: one more connection reads what the port announces";
    private static final String BANNER_END = "  [ -n \"$said\" ] && echo \"$M BANNER $port $greet $said\"\n";

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<String> ids = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (rounds < 1 || rounds > 50) {
            System.err.println("rounds must be 1 to 50: " + args[0]);
            System.exit(2);
        }
        new RealSoftwareBenchmark().run(rounds);
    }

    private void run(int rounds) throws Exception {
        String probe = ExecProbe.script();
        int start = probe.indexOf(BANNER_START);
        int end = probe.indexOf(BANNER_END);
        if (start < 0 || end < start) {
            throw new IllegalStateException("probe.sh has no banner section between \"" + BANNER_START.strip() + "\" and its BANNER line: update RealSoftwareBenchmark");
        }
        String withoutBanners = probe.substring(0, start) + probe.substring(end + BANNER_END.length());
        List<String> specs = Catalogue.builtIn().execProbes();

        List<TestContainer> containers = new ArrayList<>();
        Path pluginsTmp = Files.createTempDirectory("scanopy-bench-real-plugins");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> containers.forEach(TestContainer::stop)));
        try (PluginRegistry registry = PluginFixtures.fromArchives(Path.of(System.getProperty("scanopy.bench.plugins", "bench/target/plugins")), pluginsTmp)) {
            for (RealSoftware.Software s : RealSoftware.SET) {
                containers.add(RealSoftware.container(s));
            }
            containers.parallelStream().forEach(TestContainer::start);
            for (int i = 0; i < containers.size(); i++) {
                RealSoftware.awaitListening(RealSoftware.SET.get(i), containers.get(i), 90);
                ids.add(containers.get(i).getContainerId());
            }
            List<Double> floor = new ArrayList<>();
            List<Double> before = new ArrayList<>();
            List<Double> whole = new ArrayList<>();
            List<Double> engineRates = new ArrayList<>();
            List<Double> inventoryOnly = new ArrayList<>();
            AtomicInteger failedExecs = new AtomicInteger();
            List<Runnable> measures = List.of(
                    () -> floor.add(execAll(List.of("true"), failedExecs)),
                    () -> before.add(execAll(probeCommand(withoutBanners, specs), failedExecs)),
                    () -> whole.add(execAll(probeCommand(probe, specs), failedExecs)),
                    () -> engineRates.add(engine(registry, true)),
                    () -> inventoryOnly.add(engine(registry, false)));
            for (int round = 0; round < rounds; round++) {
                // Each measure of a round runs before the next round starts, so all see the same machine; the
                // order turns by one each round, so no measure always follows the same one.
                for (int i = 0; i < measures.size(); i++) {
                    measures.get((i + round) % measures.size()).run();
                }
            }
            int failed = failedExecs.get();
            int n = ids.size();
            Stats fl = new Stats(floor);
            System.out.printf(Locale.ROOT, "%nReal software: %d containers (RealSoftware set), %d in flight, %d round(s), medians [min–max]; %s%n%n",
                    n, CONCURRENCY, rounds, docker.versionCmd().exec().getVersion());
            System.out.println("| measure | containers/s | spread | vs raw exec floor |");
            System.out.println("|---|---|---|---|");
            row("raw exec floor: exec create+start of `true`", fl, fl);
            row("probe script without its banner section (detection before banners), minimal client", new Stats(before), fl);
            row("probe script whole (HTTP and banners), minimal client", new Stats(whole), fl);
            row("engine: discovery with detection (list + inspect + one probe exec each)", new Stats(engineRates), fl);
            row("engine: discovery without detection (list + inspect), for scale", new Stats(inventoryOnly), fl);
            System.out.printf(Locale.ROOT, "%nfailed execs (not counted as work): %d%n", failed);
        } finally {
            containers.forEach(TestContainer::stop);
        }
    }

    private static void row(String what, Stats s, Stats floor) {
        System.out.printf(Locale.ROOT, "| %s | %.1f /s | %.1f–%.1f | %.2fx |%n", what, s.median(), s.min(), s.max(), s.median() / floor.median());
    }

    private static List<String> probeCommand(String script, List<String> specs) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "scanopy-probe", "scanopy-bench-marker", "10"));
        command.addAll(specs);
        return command;
    }

    /** One exec of the command in every container, CONCURRENCY at once, as the probe's own user: containers per second (failed execs counted apart). */
    private double execAll(List<String> command, AtomicInteger failed) {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(pool.submit(() -> {
                    String exec = docker.execCreateCmd(id).withCmd(command.toArray(String[]::new)).withUser(DetectionOptions.DEFAULT_EXEC_USER)
                            .withAttachStdout(true).withAttachStderr(true).exec().getId();
                    try (var cb = docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>())) {
                        if (!cb.awaitCompletion(30, TimeUnit.SECONDS)) {
                            failed.incrementAndGet();
                        }
                    }
                    Long exit = docker.inspectExecCmd(exec).exec().getExitCodeLong();
                    if (exit == null || exit != 0) {
                        failed.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failed.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        } finally {
            pool.shutdown();
        }
        return ids.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private double engine(PluginRegistry registry, boolean detection) {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        DetectionOptions options = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, CONCURRENCY, Duration.ofSeconds(10), Duration.ofSeconds(300));
        ContainerFilter ours;
        try {
            ours = ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long t0 = System.nanoTime();
        DiscoveryResult r = engine.discover(List.of(TargetSpec.local(System.getenv())),
                DiscoveryOptions.defaults().withDetection(detection ? options : null).withFilter(ours));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!r.failures().isEmpty()) {
            throw new IllegalStateException(r.failures().get(0).error().getMessage());
        }
        return r.inventory().engines().get(0).containers().size() / seconds;
    }
}
