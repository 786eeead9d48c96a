package io.scanopy.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.TlsFiles;
import io.scanopy.spi.Transport;
import io.scanopy.testkit.TestImages;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import io.scanopy.testkit.proxy.TlsFixtures;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;

/**
 * Discovery cost, measured side by side in one run on the local engine: our engine warm
 * in-process and as a whole CLI process, the Docker CLI, the raw API floor (the same requests
 * from a minimal client, same concurrency), each proxy, detection beside the raw exec floor,
 * start-up and memory. Prints one Markdown table and writes CSV; asserts nothing (figures, not
 * pass/fail). Creates its containers with a run label and removes them at the end, also on Ctrl-C.
 */
public final class DiscoveryBenchmark {
    static final String LABEL = "io.scanopy.bench.run";
    private static final int INSPECT_CONCURRENCY = 8;
    private static final int EXEC_CONCURRENCY = 4;

    /** One measured figure. */
    record Row(String group, String what, Stats stats, String unit, String versus, String target) {
    }

    /**
     * What to run.
     *
     * @param containers N test containers
     * @param rounds repeated rounds per figure
     * @param pluginsDir the plugin archives
     * @param distribution the built tarball, or null to skip whole-process figures
     * @param out where the CSV and Markdown go
     * @param steadySeconds how long the daemon's steady state is watched
     */
    record Config(int containers, int rounds, Path pluginsDir, Path distribution, Path out, int steadySeconds) {
    }

    private final Config config;
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> networks = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private Path home;

    DiscoveryBenchmark(Config config) {
        this.config = config;
    }

    /**
     * {@code DiscoveryBenchmark [N] [rounds] [steady-seconds]}; paths come from system properties set by scripts/bench.sh.
     *
     * @param args N (default 100, at most 500), rounds (default 3) and how long the daemon's steady state is watched (default 60 s)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int steady = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        if (n < 1 || n > 500 || rounds < 1 || steady < 1 || steady > 3600) {
            System.err.println("usage: bench [N 1..500] [rounds >= 1] [steady-seconds 1..3600]");
            System.exit(2);
        }
        String dist = System.getProperty("scanopy.bench.distribution");
        Config config = new Config(n, rounds, Path.of(System.getProperty("scanopy.bench.plugins")),
                dist == null || !Files.exists(Path.of(dist)) ? null : Path.of(dist), Path.of(System.getProperty("scanopy.bench.out", "bench/target")), steady);
        System.out.println(new DiscoveryBenchmark(config).run());
        System.exit(0);
    }

    /**
     * Runs everything and cleans up.
     *
     * @return the Markdown report
     * @throws Exception on failure
     */
    public String run() throws Exception {
        Thread cleanup = new Thread(this::cleanUp, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            if (config.distribution() != null) {
                home = unpack(config.distribution());
            }
            startupWithoutTestContainers();
            createContainers();
            try (PluginRegistry registry = io.scanopy.testkit.PluginFixtures.fromArchives(config.pluginsDir(), Files.createTempDirectory("bench-plugins"))) {
                inventory(registry);
                proxies(registry);
                detection(registry);
                memory(registry);
                new DaemonBenchmark(docker, registry, config, runId, created, rows::add).run();
            }
            if (home != null) {
                new DaemonProcessBenchmark(config, home, rows::add).run();
            }
            return report();
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook runs.
            }
        }
    }

    // ---- fixture ----------------------------------------------------------------------------

    private void createContainers() throws Exception {
        String image = TestImages.busybox();
        for (int i = 0; i < 4; i++) {
            networks.add(docker.createNetworkCmd().withName("scanopy-bench-" + runId + "-" + i).withLabels(Map.of(LABEL, runId)).exec().getId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < config.containers(); i++) {
                int index = i;
                futures.add(pool.submit(() -> createOne(image, index)));
            }
            for (Future<String> f : futures) {
                synchronized (created) {
                    created.add(f.get());
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Every third serves HTTP on an unpublished port, every fifth publishes a port on 127.0.0.1, the rest sleep. */
    private String createOne(String image, int i) {
        boolean http = i % 3 == 0;
        boolean publish = i % 5 == 0;
        String cmd = http
                ? "mkdir -p /www && echo '<html><title>Scanopy Bench</title></html>' > /www/index.html && exec httpd -f -h /www -p 8080"
                : "exec sleep 3600";
        HostConfig host = HostConfig.newHostConfig().withNetworkMode(networks.get(i % networks.size()));
        var create = docker.createContainerCmd(image).withName("scanopy-bench-" + runId + "-" + i).withLabels(Map.of(LABEL, runId))
                .withCmd("sh", "-c", cmd);
        if (publish) {
            create.withExposedPorts(ExposedPort.tcp(8080));
            host.withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8080)));
        }
        String id = create.withHostConfig(host).exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    private synchronized void cleanUp() {
        for (String id : List.copyOf(created)) {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException e) {
                // Already gone.
            }
        }
        created.clear();
        for (String id : networks) {
            try {
                docker.removeNetworkCmd(id).exec();
            } catch (RuntimeException e) {
                // Already gone.
            }
        }
        networks.clear();
    }

    // ---- measurements -----------------------------------------------------------------------

    private Stats time(int warmups, Supplier<Object> action) {
        for (int i = 0; i < warmups; i++) {
            action.get();
        }
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < config.rounds(); i++) {
            long t0 = System.nanoTime();
            action.get();
            samples.add((System.nanoTime() - t0) / 1e6);
        }
        return new Stats(samples);
    }

    private void startupWithoutTestContainers() {
        if (home == null) {
            return;
        }
        Stats cli = time(1, () -> process(List.of(home.resolve("bin/scanopy-daemon").toString(), "discover", "--no-detection", "--output", "json")));
        Stats dockerPs = time(1, () -> process(List.of("docker", "ps", "-q")));
        rows.add(new Row("start-up", "bin/scanopy-daemon discover, no test containers", cli, "ms", "docker ps: " + ms(dockerPs.median()), "-"));
    }

    private void inventory(PluginRegistry registry) {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        DiscoveryOptions options = DiscoveryOptions.defaults().withDetection(null);
        TargetSpec local = TargetSpec.local(System.getenv());
        Stats docker = time(1, () -> process(List.of("sh", "-c", "docker inspect $(docker ps -q) >/dev/null")));
        Stats ours = time(1, () -> engine.discover(List.of(local), options));
        Stats floor = time(1, this::rawApiFloor);
        rows.add(new Row("inventory", "engine, warm, in-process (list + inspect all + networks)", ours, "ms",
                String.format(Locale.ROOT, "%.2fx docker CLI, %.2fx raw API floor", ours.median() / docker.median(), ours.median() / floor.median()), "<= 1.5x docker CLI"));
        rows.add(new Row("inventory", "docker inspect $(docker ps -q) (Go CLI)", docker, "ms", "-", "-"));
        rows.add(new Row("inventory", "raw API floor (same requests, " + INSPECT_CONCURRENCY + " in flight)", floor, "ms", "-", "-"));
        if (home != null) {
            Stats cli = time(1, () -> process(List.of(home.resolve("bin/scanopy-daemon").toString(), "discover", "--no-detection", "--output", "json")));
            rows.add(new Row("inventory", "bin/scanopy-daemon discover, whole process (JVM start included)", cli, "ms",
                    String.format(Locale.ROOT, "%.2fx docker CLI", cli.median() / docker.median()), "<= 2000 ms at N=100"));
        }
        directWarm = ours.median();
    }

    private double directWarm;

    /** list + inspect each (same concurrency) + networks, through the same transport, no mapping. */
    private Object rawApiFloor() {
        try (DockerConnection c = DockerConnection.open(new Transport.UnixSocket(Path.of("/var/run/docker.sock")))) {
            String list = c.send("GET", "/containers/json", null).body();
            List<String> ids = new ArrayList<>();
            var m = java.util.regex.Pattern.compile("\"Id\":\"([0-9a-f]{64})\"").matcher(list);
            while (m.find()) {
                ids.add(m.group(1));
            }
            ExecutorService pool = Executors.newFixedThreadPool(INSPECT_CONCURRENCY);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (String id : ids) {
                    futures.add(pool.submit(() -> c.send("GET", c.path(DockerEndpoint.INSPECT_CONTAINER, id), null)));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            c.send("GET", "/networks", null);
            return ids.size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void proxies(PluginRegistry registry) throws Exception {
        Map<String, Supplier<ProxyContainer>> proxies = new LinkedHashMap<>();
        var all = EnumSet.allOf(DockerEndpoint.class);
        proxies.put("Tecnativa", () -> new ProxyContainer(ProxyImages.tecnativa(), 2375, "http")
                .withProxyEnvironment(registry.find("docker-proxy-tecnativa").orElseThrow().plugin().proxySetup(all).orElseThrow().environment()));
        proxies.put("wollomatic", () -> new ProxyContainer(ProxyImages.wollomatic(), 2375, "http")
                .withFlags(registry.find("docker-proxy-wollomatic").orElseThrow().plugin().proxySetup(all).orElseThrow().command().stream()
                        .map(f -> f.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : f).toList()));
        TlsFixtures.Files tls = TlsFixtures.generate(Files.createTempDirectory("bench-tls"));
        Path certs = Files.createTempDirectory("bench-certs");
        Files.copy(tls.serverPem(), certs.resolve("server.pem"));
        Files.copy(tls.ca(), certs.resolve("ca.pem"));
        proxies.put("HTTPS (mTLS HAProxy)", () -> new ProxyContainer(ProxyImages.https(), 2376, "https").readOnlyBind(certs.toString(), "/certs"));
        for (var entry : proxies.entrySet()) {
            try (ProxyContainer proxy = entry.getValue().get()) {
                proxy.start();
                TlsFiles files = proxy.url().startsWith("https") ? new TlsFiles(tls.clientCert(), tls.clientKey(), tls.ca(), "bench") : null;
                TargetSpec target = new TargetSpec(URI.create(proxy.url()), files, null, Map.of());
                DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
                Stats stats = time(1, () -> {
                    DiscoveryResult r = engine.discover(List.of(target), DiscoveryOptions.defaults().withDetection(null));
                    if (!r.failures().isEmpty()) {
                        throw new IllegalStateException(r.failures().get(0).error().getMessage());
                    }
                    return r;
                });
                rows.add(new Row("proxy", "inventory through " + entry.getKey() + " (" + proxy.image().describe() + ")", stats, "ms",
                        String.format(Locale.ROOT, "%.2fx direct", stats.median() / directWarm), "<= 1.3x direct"));
            }
        }
    }

    private void detection(PluginRegistry registry) {
        TargetSpec local = TargetSpec.local(System.getenv());
        DetectionOptions detect = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, EXEC_CONCURRENCY, Duration.ofSeconds(10), Duration.ofSeconds(600));
        List<Double> perSecond = new ArrayList<>();
        List<Double> execsPer = new ArrayList<>();
        List<Double> floorRates = new ArrayList<>();
        int cachedExecs = -1;
        for (int round = 0; round < config.rounds(); round++) {
            // Interleaved with the floor, so both see the same machine.
            floorRates.add(rawExecFloor());
            ServiceDetector detector = new ServiceDetector(Catalogue.builtIn());
            DiscoveryEngine engine = new DiscoveryEngine(registry, detector, Clock.systemUTC());
            long t0 = System.nanoTime();
            DiscoveryResult r = engine.discover(List.of(local), DiscoveryOptions.defaults().withDetection(detect));
            double seconds = (System.nanoTime() - t0) / 1e9;
            int probed = (int) r.inventory().engines().get(0).containers().stream().filter(c -> "running".equals(c.state())).count();
            perSecond.add(probed / seconds);
            execsPer.add(detector.execsTotal() / (double) probed);
            if (round == 0) {
                int before = detector.execsTotal();
                engine.discover(List.of(local), DiscoveryOptions.defaults().withDetection(detect));
                cachedExecs = detector.execsTotal() - before;
            }
        }
        Stats rate = new Stats(perSecond);
        Stats floor = new Stats(floorRates);
        rows.add(new Row("detection", "containers/s with exec detection (" + EXEC_CONCURRENCY + " in flight)", rate, "/s",
                String.format(Locale.ROOT, "%.2fx raw exec floor", rate.median() / floor.median()), ">= 0.8x floor"));
        rows.add(new Row("detection", "raw exec floor: exec create+start of `true`, " + EXEC_CONCURRENCY + " in flight", floor, "/s", "-", "-"));
        rows.add(new Row("detection", "execs per container", new Stats(execsPer), "", "-", "<= 1"));
        rows.add(new Row("detection", "execs for a repeat discovery, same process (cache)", new Stats(List.of((double) cachedExecs)), "", "-", "0"));
    }

    /** As many exec create+start of a trivial command as there are running containers, same concurrency: execs per second. */
    private double rawExecFloor() {
        List<String> ids = docker.listContainersCmd().exec().stream().map(com.github.dockerjava.api.model.Container::getId).toList();
        ExecutorService pool = Executors.newFixedThreadPool(EXEC_CONCURRENCY);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(pool.submit(() -> {
                    String exec = docker.execCreateCmd(id).withCmd("true").withAttachStdout(true).withAttachStderr(true).exec().getId();
                    try (var cb = docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>())) {
                        cb.awaitCompletion(30, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    // A container without `true` (not ours) still cost an exec start.
                }
            }
        } finally {
            pool.shutdown();
        }
        return ids.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private void memory(PluginRegistry registry) {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        engine.discover(List.of(TargetSpec.local(System.getenv())), DiscoveryOptions.defaults().withDetection(null));
        System.gc();
        Runtime rt = Runtime.getRuntime();
        double heapMb = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
        rows.add(new Row("memory", "heap after GC, in-process, after an inventory (bench JVM, all of testkit loaded)", new Stats(List.of(heapMb)), "MB", "-", "-"));
        if (home != null && Files.isExecutable(Path.of("/usr/bin/time"))) {
            List<Double> rss = new ArrayList<>();
            for (int i = 0; i < config.rounds(); i++) {
                String err = process(List.of("/usr/bin/time", "-f", "RSS=%M", home.resolve("bin/scanopy-daemon").toString(), "discover", "--output", "json"));
                var m = java.util.regex.Pattern.compile("RSS=(\\d+)").matcher(err);
                if (m.find()) {
                    rss.add(Long.parseLong(m.group(1)) / 1024.0);
                }
            }
            rows.add(new Row("memory", "peak RSS, bin/scanopy-daemon discover with detection", new Stats(rss), "MB", "-", "<= 256 MB at N=500"));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Runs a command to completion (bounded); returns its stderr. */
    private static String process(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + err);
            }
            return err;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path unpack(Path tarball) throws IOException {
        Path dir = Files.createTempDirectory("bench-dist");
        process(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        try (var list = Files.list(dir)) {
            return list.findFirst().orElseThrow();
        }
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }

    private String report() throws IOException {
        String docker = this.docker.versionCmd().exec().getVersion();
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        String header = String.format(Locale.ROOT, "Machine: %d cores, %.1f GiB; Docker %s; N=%d test containers (%d running in all); %d round(s); medians, [min–max]",
                Runtime.getRuntime().availableProcessors(), memKb / 1048576.0, docker, config.containers(),
                this.docker.listContainersCmd().exec().size(), config.rounds());
        StringBuilder md = new StringBuilder(header).append("\n\n| group | measure | median | spread | compared | target |\n|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("group,measure,median,min,max,unit,compared,target\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f %s | %.1f–%.1f | %s | %s |%n", r.group(), r.what(), r.stats().median(), r.unit(),
                    r.stats().min(), r.stats().max(), r.versus(), r.target()));
            csv.append(String.format(Locale.ROOT, "%s,\"%s\",%.3f,%.3f,%.3f,%s,\"%s\",\"%s\"%n", r.group(), r.what().replace("\"", "'"), r.stats().median(),
                    r.stats().min(), r.stats().max(), r.unit(), r.versus(), r.target()));
        }
        Files.createDirectories(config.out());
        Files.writeString(config.out().resolve("bench-N" + config.containers() + ".md"), md.toString());
        Files.writeString(config.out().resolve("bench-N" + config.containers() + ".csv"), csv.toString());
        return md.toString();
    }
}
