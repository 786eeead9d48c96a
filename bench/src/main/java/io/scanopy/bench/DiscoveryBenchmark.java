package io.scanopy.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.TlsFiles;
import io.scanopy.spi.inventory.Container;
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
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/**
 * Discovery cost on the local engine, in pairs that do the same work, rounds interleaved:
 * our warm in-process inventory beside the raw API floor replaying exactly its requests
 * ({@link ApiFloor}); the whole {@code discover} process beside the Docker CLI doing the same
 * work, both cold; the inventory through each proxy beside direct; detection alone beside the
 * raw exec floor and Scanopy v0.17's probing pattern ({@link ExecPatterns}); start-up, memory
 * and the daemon's figures. Prints one Markdown table and writes CSV; asserts nothing (figures,
 * not pass/fail) but stops with the reason when a prerequisite of a row is missing. Creates its
 * containers with a run label and removes them at the end, also on Ctrl-C.
 */
public final class DiscoveryBenchmark {
    static final String LABEL = "io.scanopy.bench.run";
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
     * @param distribution the built tarball (required: the start-up, whole-process and RSS rows use it)
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
    /** docker-cli-inventory.sh, written out of the resources to run. */
    private Path dockerCliScript;

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
        Config config = new Config(n, rounds, Path.of(System.getProperty("scanopy.bench.plugins")),
                Path.of(System.getProperty("scanopy.bench.distribution", "dist/target/scanopy-daemon.tar.gz")),
                Path.of(System.getProperty("scanopy.bench.out", "bench/target")), steady);
        try {
            requirePrerequisites(config, TIME);
        } catch (IllegalStateException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
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
        requirePrerequisites(config, TIME);
        loadAtStart = loadAverage();
        Thread cleanup = new Thread(this::cleanUp, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            home = unpack(config.distribution());
            dockerCliScript = Files.createTempFile("docker-cli-inventory", ".sh");
            try (var in = DiscoveryBenchmark.class.getResourceAsStream("docker-cli-inventory.sh")) {
                Files.write(dockerCliScript, java.util.Objects.requireNonNull(in, "docker-cli-inventory.sh").readAllBytes());
            }
            startupWithoutTestContainers();
            createContainers();
            try (PluginRegistry registry = io.scanopy.testkit.PluginFixtures.fromArchives(config.pluginsDir(), Files.createTempDirectory("bench-plugins"))) {
                inventory(registry);
                detection(registry);
                memory(registry);
                new DaemonBenchmark(docker, registry, config, runId, created, rows::add).run();
            }
            new DaemonProcessBenchmark(config, home, ownFilter(), created, rows::add).run();
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

    /** Where GNU time is: the peak RSS rows need it. */
    static final Path TIME = Path.of("/usr/bin/time");

    /**
     * Every row needs what it measures: a missing prerequisite stops the run with the reason,
     * instead of a table with rows left out.
     *
     * @param config the run
     * @param time where GNU time must be ({@link #TIME})
     * @throws IllegalStateException naming what is missing and how to get it
     */
    static void requirePrerequisites(Config config, Path time) {
        if (config.distribution() == null || !Files.isRegularFile(config.distribution())) {
            throw new IllegalStateException("the distribution tarball is missing (" + config.distribution()
                    + "): the start-up, whole-process and RSS rows need it — build it first (mvn -B install -DskipTests -pl dist -am)");
        }
        if (!Files.isExecutable(time)) {
            throw new IllegalStateException(time + " is missing: the peak RSS rows need GNU time — apt-get install -y time (scripts/test-env.sh installs it)");
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

    /**
     * Runs every measure of a round before the next round starts (round-robin), after one
     * warm-up of each: a figure and the one it is divided by always come from the same round.
     *
     * @param measures what to time, in the order each round runs them
     * @return the samples (ms) of each measure, one per round, in round order
     */
    private Map<String, Stats> interleaved(Map<String, Runnable> measures) {
        measures.values().forEach(Runnable::run);
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        measures.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
        for (int round = 0; round < config.rounds(); round++) {
            for (var measure : measures.entrySet()) {
                long t0 = System.nanoTime();
                measure.getValue().run();
                samples.get(measure.getKey()).add((System.nanoTime() - t0) / 1e6);
            }
        }
        Map<String, Stats> stats = new LinkedHashMap<>();
        samples.forEach((k, v) -> stats.put(k, new Stats(v)));
        return stats;
    }

    /** Only the benchmark's own containers: the same work for every measure, whatever else runs on the shared engine. */
    private ContainerFilter ownContainers() {
        try {
            return ContainerFilter.parse(List.of(ownFilter()));
        } catch (io.scanopy.engine.config.ConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private String ownFilter() {
        return "label=" + LABEL + "=" + runId;
    }

    private List<String> cliDiscover() {
        return List.of(home.resolve("bin/scanopy-daemon").toString(), "discover", "--no-detection", "--output", "json", "--filter", ownFilter());
    }

    private List<String> dockerCliInventory() {
        return List.of("sh", dockerCliScript.toString(), ownFilter());
    }

    /** Both whole processes, cold, before any test container exists: what starting costs. */
    private void startupWithoutTestContainers() {
        Map<String, Runnable> measures = new LinkedHashMap<>();
        measures.put("ours", () -> process(cliDiscover()));
        measures.put("docker", () -> process(dockerCliInventory()));
        Map<String, Stats> s = interleaved(measures);
        rows.add(new Row("start-up", "bin/scanopy-daemon discover --no-detection, no test containers (whole process, JVM start included)", s.get("ours"), "ms",
                Stats.ratios(s.get("ours"), s.get("docker")).asRatio() + " Docker CLI", "-"));
        rows.add(new Row("start-up", "Docker CLI, the same work, no test containers (docker-cli-inventory.sh: docker ps, inspect, network ls, network inspect)",
                s.get("docker"), "ms", "-", "-"));
    }

    /** A discovery that must have found every test container, or the figure would time less work. */
    private Runnable discoverAll(DiscoveryEngine engine, TargetSpec target, DiscoveryOptions options) {
        return () -> {
            DiscoveryResult r = engine.discover(List.of(target), options);
            if (!r.failures().isEmpty()) {
                throw new IllegalStateException(target.label() + ": " + r.failures().get(0).error().getMessage());
            }
            int found = r.inventory().engines().get(0).containers().size();
            if (found != config.containers()) {
                throw new IllegalStateException(target.label() + ": " + found + " containers discovered, " + config.containers() + " expected");
            }
        };
    }

    /**
     * The inventory pairs, rounds interleaved: warm in-process beside the raw API floor issuing
     * exactly its requests; the whole process beside the Docker CLI doing the same work; and the
     * inventory through each proxy, divided by the direct figure of the same round.
     */
    private void inventory(PluginRegistry registry) throws Exception {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        DiscoveryOptions options = DiscoveryOptions.defaults().withDetection(null).withFilter(ownContainers());
        TargetSpec local = TargetSpec.local(System.getenv());
        ApiFloor.Plan plan = ApiFloor.record(engine, options, local);
        floorPlan = plan.describe();
        Path socket = Path.of("/var/run/docker.sock");

        var all = EnumSet.allOf(DockerEndpoint.class);
        TlsFixtures.Files tls = TlsFixtures.generate(Files.createTempDirectory("bench-tls"));
        Path certs = Files.createTempDirectory("bench-certs");
        Files.copy(tls.serverPem(), certs.resolve("server.pem"));
        Files.copy(tls.ca(), certs.resolve("ca.pem"));
        Map<String, ProxyContainer> proxies = new LinkedHashMap<>();
        proxies.put("Tecnativa", new ProxyContainer(ProxyImages.tecnativa(), 2375, "http")
                .withProxyEnvironment(registry.find("docker-proxy-tecnativa").orElseThrow().plugin().proxySetup(all).orElseThrow().environment()));
        proxies.put("wollomatic", new ProxyContainer(ProxyImages.wollomatic(), 2375, "http")
                .withFlags(registry.find("docker-proxy-wollomatic").orElseThrow().plugin().proxySetup(all).orElseThrow().command().stream()
                        .map(f -> f.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : f).toList()));
        proxies.put("HTTPS (mTLS HAProxy)", new ProxyContainer(ProxyImages.https(), 2376, "https").readOnlyBind(certs.toString(), "/certs"));
        try {
            Map<String, Runnable> measures = new LinkedHashMap<>();
            measures.put("ours", discoverAll(engine, local, options));
            measures.put("floor", () -> {
                if (ApiFloor.replay(plan, socket) != config.containers()) {
                    throw new IllegalStateException("the raw API floor did not inspect " + config.containers() + " containers");
                }
            });
            for (var proxy : proxies.entrySet()) {
                ProxyContainer p = proxy.getValue();
                p.start();
                TlsFiles files = p.url().startsWith("https") ? new TlsFiles(tls.clientCert(), tls.clientKey(), tls.ca(), "bench") : null;
                measures.put(proxy.getKey(), discoverAll(engine, new TargetSpec(URI.create(p.url()), files, null, Map.of()), options));
            }
            measures.put("cli", () -> process(cliDiscover()));
            measures.put("docker", () -> process(dockerCliInventory()));
            Map<String, Stats> s = interleaved(measures);

            rows.add(new Row("inventory", "engine, warm, in-process: negotiation, list, inspect all, networks", s.get("ours"), "ms",
                    Stats.ratios(s.get("ours"), s.get("floor")).asRatio() + " raw API floor (our overhead)", "-"));
            rows.add(new Row("inventory", "raw API floor: the engine's " + plan.requests(config.containers()) + " requests replayed, " + ApiFloor.CONCURRENCY
                    + " in flight, JSON decoded into maps (docker-java httpclient5)", s.get("floor"), "ms", "-", "-"));
            rows.add(new Row("inventory", "bin/scanopy-daemon discover --no-detection, whole process (JVM start included)", s.get("cli"), "ms",
                    Stats.ratios(s.get("cli"), s.get("docker")).asRatio() + " Docker CLI", "<= 2000 ms at N=100"));
            rows.add(new Row("inventory", "Docker CLI, whole processes: docker ps + docker inspect of each + docker network ls + docker network inspect of each",
                    s.get("docker"), "ms", "-", "-"));
            for (var proxy : proxies.entrySet()) {
                rows.add(new Row("proxy", "inventory through " + proxy.getKey() + " (" + proxy.getValue().image().describe() + ")", s.get(proxy.getKey()), "ms",
                        Stats.ratios(s.get(proxy.getKey()), s.get("ours")).asRatio() + " direct, same round", "<= 1.3x direct"));
            }
        } finally {
            proxies.values().forEach(ProxyContainer::stop);
        }
    }

    /** What the raw API floor replays, for the report. */
    private String floorPlan;

    /**
     * Detection on its own, on the benchmark's running containers: the list and inspections are
     * read first, then only the detection phase is timed ({@link ServiceDetector#detect}, a
     * fresh detector each round so nothing is cached), beside the raw exec floor and the peer
     * design on the same containers, rounds interleaved.
     */
    private void detection(PluginRegistry registry) throws Exception {
        DetectionOptions detect = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, EXEC_CONCURRENCY, Duration.ofSeconds(10), Duration.ofSeconds(600));
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        try (TargetSession session = engine.open(TargetSpec.local(System.getenv()));
             ExecPatterns patterns = new ExecPatterns(Path.of("/var/run/docker.sock"))) {
            // detector null: negotiated with the exec checks, listed and inspected, nothing detected.
            List<Container> running = session.discover(DiscoveryOptions.defaults().withDetection(detect).withFilter(ownContainers()), null).containers().stream()
                    .filter(c -> "running".equals(c.state())).toList();
            String execDenied = TargetSession.execDenial(session.negotiated().orElseThrow().report());
            if (execDenied != null) {
                throw new IllegalStateException("exec is not usable on the local engine: " + execDenied);
            }
            DetectionOptions atPeerConcurrency = new DetectionOptions(true, DetectionOptions.ExecPolicy.ALWAYS, false, ExecPatterns.PEER_CONCURRENCY,
                    Duration.ofSeconds(10), Duration.ofSeconds(600));
            List<Double> ours = new ArrayList<>();
            List<Double> oursAt15 = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            List<Double> peer = new ArrayList<>();
            List<Double> execsPer = new ArrayList<>();
            int oursFailed = 0;
            String floorFailure = null;
            String peerFailure = null;
            int floorFailed = 0;
            int peerFailed = 0;
            int cachedExecs = -1;
            for (int round = -1; round < config.rounds(); round++) {
                // Round -1 warms each up on a few containers (the JIT, the connections); its figures are dropped.
                List<Container> set = round < 0 ? running.subList(0, Math.min(10, running.size())) : running;
                List<String> setIds = set.stream().map(Container::id).toList();
                ExecPatterns.Pass f = patterns.rawFloor(setIds, EXEC_CONCURRENCY);
                for (DetectionOptions options : List.of(detect, atPeerConcurrency)) {
                    try (ServiceDetector detector = new ServiceDetector(Catalogue.builtIn())) {
                        long t0 = System.nanoTime();
                        ServiceDetector.Outcome o = detector.detect(session.docker(), set, options, null);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        // Not work done: containers whose probe did not run, was cut, or could not probe as asked.
                        Set<String> failed = new HashSet<>(o.unsettled());
                        o.notes().stream().filter(n -> n.code().equals("probe-limited")).forEach(n -> failed.add(n.subject()));
                        if (round >= 0) {
                            (options == detect ? ours : oursAt15).add((running.size() - failed.size()) / seconds);
                            oursFailed += failed.size();
                        }
                        if (round >= 0 && options == detect) {
                            execsPer.add(o.execs() / (double) running.size());
                        }
                        if (round == 0 && options == detect) {
                            cachedExecs = detector.detect(session.docker(), running, detect, null).execs();
                        }
                    }
                }
                ExecPatterns.Pass p = patterns.peer(setIds);
                if (round >= 0) {
                    floor.add(f.containersPerSecond());
                    floorFailed += f.failedExecs();
                    floorFailure = floorFailure != null ? floorFailure : f.firstFailure();
                    peer.add(p.containersPerSecond());
                    peerFailed += p.failedExecs();
                    peerFailure = peerFailure != null ? peerFailure : p.firstFailure();
                }
            }
            Stats rate = new Stats(ours);
            Stats floorRate = new Stats(floor);
            Stats peerRate = new Stats(peer);
            int n = running.size();
            rows.add(new Row("detection", "ours: containers/s, detection phase alone (" + n + " running, " + EXEC_CONCURRENCY + " probes in flight, 1 exec each)", rate, "/s",
                    Stats.ratios(rate, peerRate).asRatio() + " peer design, " + Stats.ratios(rate, floorRate).asRatio() + " raw exec floor; "
                            + oursFailed + " containers not probed in all rounds, both settings (not counted as work)", ">= 0.8x floor"));
            rows.add(new Row("detection", "ours at the peer's concurrency (" + ExecPatterns.PEER_CONCURRENCY + " probes in flight), detection phase alone", new Stats(oursAt15), "/s",
                    Stats.ratios(new Stats(oursAt15), peerRate).asRatio() + " peer design", "-"));
            rows.add(new Row("detection", "peer design, Scanopy v0.17's pattern: cat /proc/net/tcp{,6}, then peer-probe.sh (2 execs per container, "
                    + ExecPatterns.PEER_CONCURRENCY + " in flight, docker-java)", peerRate, "/s", peerFailed + " failed execs in all rounds (not counted as work)"
                    + (peerFailure == null ? "" : "; first: " + peerFailure), "-"));
            rows.add(new Row("detection", "raw exec floor: exec of `true` per container, " + EXEC_CONCURRENCY + " in flight (docker-java)", floorRate, "/s",
                    floorFailed + " failed execs in all rounds" + (floorFailure == null ? "" : "; first: " + floorFailure), "-"));
            rows.add(new Row("detection", "execs per container (ours)", new Stats(execsPer), "", "-", "<= 1"));
            rows.add(new Row("detection", "execs for a repeat detection, same detector (cache)", new Stats(List.of((double) cachedExecs)), "", "-", "0"));
        }
    }

    private void memory(PluginRegistry registry) {
        DiscoveryEngine engine = new DiscoveryEngine(registry, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
        engine.discover(List.of(TargetSpec.local(System.getenv())), DiscoveryOptions.defaults().withDetection(null));
        System.gc();
        Runtime rt = Runtime.getRuntime();
        double heapMb = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
        rows.add(new Row("memory", "heap after GC, in-process, after an inventory (bench JVM, all of testkit loaded)", new Stats(List.of(heapMb)), "MB", "-", "-"));
        // One run: a peak, not a timing (and with detection it takes about as long as a detection round).
        String err = process(List.of(TIME.toString(), "-f", "RSS=%M", home.resolve("bin/scanopy-daemon").toString(), "discover", "--output", "json", "--filter", ownFilter()));
        var m = java.util.regex.Pattern.compile("RSS=(\\d+)").matcher(err);
        if (!m.find()) {
            throw new IllegalStateException(TIME + " printed no RSS: " + err);
        }
        rows.add(new Row("memory", "peak RSS, bin/scanopy-daemon discover with detection, the N containers (one run)", new Stats(List.of(Long.parseLong(m.group(1)) / 1024.0)),
                "MB", "-", "<= 256 MB at N=500"));
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

    /** The 1-minute load average: how busy the shared machine was. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private String loadAtStart;

    /** A table cell: text that came from elsewhere (an exec's output) cannot break the row. */
    private static String cell(String text) {
        return text.replace("\r", " ").replace("\n", " ").replace("|", "\\|");
    }

    private String report() throws IOException {
        String docker = this.docker.versionCmd().exec().getVersion();
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        String header = String.format(Locale.ROOT, "Machine: %d cores, %.1f GiB; Docker %s; N=%d test containers (%d running in all); %d round(s), interleaved; medians [min–max];"
                        + " ratios are the median of per-round ratios (min–max); load average (1 min) %s at the start, %s at the end",
                Runtime.getRuntime().availableProcessors(), memKb / 1048576.0, docker, config.containers(),
                this.docker.listContainersCmd().exec().size(), config.rounds(), loadAtStart, loadAverage());
        header += "\n\nThe raw API floor replays: " + floorPlan;
        StringBuilder md = new StringBuilder(header).append("\n\n| group | measure | median | spread | compared | target |\n|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("group,measure,median,min,max,unit,compared,target\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f %s | %.1f–%.1f | %s | %s |%n", r.group(), r.what(), r.stats().median(), r.unit(),
                    r.stats().min(), r.stats().max(), cell(r.versus()), r.target()));
            csv.append(String.format(Locale.ROOT, "%s,\"%s\",%.3f,%.3f,%.3f,%s,\"%s\",\"%s\"%n", r.group(), r.what().replace("\"", "'"), r.stats().median(),
                    r.stats().min(), r.stats().max(), r.unit(), r.versus(), r.target()));
        }
        Files.createDirectories(config.out());
        Files.writeString(config.out().resolve("bench-N" + config.containers() + ".md"), md.toString());
        Files.writeString(config.out().resolve("bench-N" + config.containers() + ".csv"), csv.toString());
        return md.toString();
    }
}
