package io.scanopy.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.files.OutputFile;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.DaemonMetrics;
import io.scanopy.engine.live.DaemonOptions;
import io.scanopy.engine.live.InventoryFileWriter;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.TargetSpec;
import io.scanopy.server.DaemonServer;
import io.scanopy.server.ServerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scanopy-daemon run} (also what {@code scanopy-daemon} without a command does): the
 * long-running daemon. It keeps the inventory current from Docker's events, serves it over
 * HTTP, and stops cleanly on SIGTERM or SIGINT.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = "Run the daemon: keep the inventory current from Docker's events and serve it over HTTP (the default command).")
final class RunCommand extends DaemonCommand implements Callable<Integer> {
    static final String ENV_API_KEY = "SCANOPY_DAEMON_API_KEY";

    @Mixin
    DiscoveryMixin discovery;

    @Mixin
    DaemonAddress address;

    @Option(names = "--daemon-api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' on every route but /api/health. Env: "
            + ENV_API_KEY + ". Default: none on a loopback address; a random key, printed once, on any other.")
    String apiKey;

    @Option(names = "--out", paramLabel = "FILE", description = "Keep a JSON inventory file current (rewritten atomically, debounced; a symbolic link is written through)."
            + " Only a regular file or a new one; checked at start-up.")
    Path outFile;

    @Option(names = "--resync-interval", paramLabel = "SECONDS", description = "Inspect every container again this often to heal any drift; 0 = never. Default: ${DEFAULT-VALUE}.")
    int resyncSeconds = (int) DaemonOptions.DEFAULT_RESYNC.toSeconds();

    @Option(names = "--poll-interval", paramLabel = "SECONDS", description = "Where GET /events is denied, poll the container list this often. Default: ${DEFAULT-VALUE}.")
    int pollSeconds = (int) DaemonOptions.DEFAULT_POLL.toSeconds();

    @Override
    public Integer call() throws Exception {
        // Not a static field: picocli builds every command at each start, and the health check
        // (every interval) should not start the logging system it never uses.
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        DaemonSettings settings = settings();
        Map<String, String> env = root.environment();
        ServerSettings server = serverSettings(env);
        if (resyncSeconds < 0 || pollSeconds < 1) {
            throw new ConfigurationException("--resync-interval must be 0 or more and --poll-interval at least 1 (seconds)");
        }
        DaemonOptions options = DaemonOptions.defaults(discovery.options().withTargetTimeout(settings.targetTimeout())).withIntervals(Duration.ofSeconds(resyncSeconds), Duration.ofSeconds(pollSeconds));
        // A path that cannot be written stops the daemon here (exit 2), not after its first sync.
        OutputFile outputFile = outFile == null ? null : OutputFile.check(outFile, "--out");
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PluginRegistry plugins = plugins(settings)) {
            // Settings that cannot work stop the daemon here with one line (exit 2); an unreachable target is retried instead.
            for (TargetSpec target : settings.targets()) {
                TargetSession.checkSettings(target, plugins);
            }
            try (ServiceDetector detector = new ServiceDetector(discovery.catalogue());
                 Daemon daemon = new Daemon(plugins, settings.targets(), options, options.discovery().detection() == null ? null : detector,
                         new DaemonMetrics(registry, detector), Clock.systemUTC());
                 InventoryFileWriter file = outputFile == null ? null : new InventoryFileWriter(daemon.inventory(), outputFile, Duration.ofMillis(200));
                 DaemonServer http = new DaemonServer(daemon.inventory(), registry, server)) {
                http.start();
                daemon.start();
                log.info("scanopy-daemon {} watching {} target(s); inventory at {}", ScanopyDaemon.Version.daemonVersion(), settings.targets().size(), http.url());
                if (server.keyGenerated()) {
                    // Printed once, like Jupyter's token: the only way to learn a key nobody configured.
                    log.warn("No API key was configured for {}: this run's key is {} — open {}?key={} or send 'Authorization: Bearer <key>'; set {} to choose your own",
                            server.bindAddress(), server.apiKey(), http.url(), server.apiKey(), ENV_API_KEY);
                }
                stop.await();
                log.info("stopping");
            }
        }
        return 0;
    }

    private ServerSettings serverSettings(Map<String, String> env) throws ConfigurationException {
        String bind = address.bindAddress(env);
        int httpPort = address.port(env);
        String key = apiKey != null ? apiKey : env.get(ENV_API_KEY);
        if (key != null && key.isBlank()) {
            throw new ConfigurationException((apiKey != null ? "--daemon-api-key" : ENV_API_KEY) + " is empty: give a key, or unset it");
        }
        boolean loopback = address.resolvedBindAddress(env).isLoopbackAddress();
        ServerSettings settings = new ServerSettings(bind, httpPort, key, false);
        return key == null && !loopback ? settings.withGeneratedKey() : settings;
    }
}
