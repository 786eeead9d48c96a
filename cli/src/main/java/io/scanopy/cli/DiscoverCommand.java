package io.scanopy.cli;

import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.CatalogueException;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.discovery.TargetFailure;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.engine.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scanopy-daemon discover}: one discovery, printed or written. */
@Command(name = "discover", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = "Discover once and print the inventory.")
final class DiscoverCommand extends DaemonCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json }

    @Option(names = "--output", paramLabel = "FORMAT", description = "table or json. Default: table on a terminal, json when piped.")
    Format output;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON inventory to FILE (atomically: written beside it, then renamed).")
    Path outFile;

    @Option(names = "--all", description = "Include stopped containers.")
    boolean all;

    @Option(names = "--no-exec", description = "Detect services without exec (image, label and port rules only), even where exec is allowed.")
    boolean noExec;

    @Option(names = "--no-detection", description = "Skip service detection altogether.")
    boolean noDetection;

    @Option(names = "--catalog", paramLabel = "FILE", description = "Your service catalogue (JSON or YAML), merged over the built-in one; same id replaces.")
    Path catalog;

    @Option(names = "--exec-policy", paramLabel = "POLICY", description = "always (default: one container can run several services) or when-needed (skip exec where image or label rules are conclusive).")
    String execPolicy = "always";

    @Option(names = "--probe-published-ports", description = "Also probe published ports from the daemon's side (local engine only).")
    boolean probePublishedPorts;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS", description = "Time one container's probe may take. Default: ${DEFAULT-VALUE}.")
    int probeTimeout = 10;

    @Option(names = "--probe-concurrency", paramLabel = "N", description = "Probes in flight at once. Default: ${DEFAULT-VALUE}.")
    int probeConcurrency = 4;

    @Option(names = "--detection-deadline", paramLabel = "SECONDS", description = "Time detection may take in all; what is found by then is kept. Default: ${DEFAULT-VALUE}.")
    int detectionDeadline = 120;

    private Catalogue catalogue() throws ConfigurationException {
        if (catalog == null) {
            return Catalogue.builtIn();
        }
        try {
            return Catalogue.withUserFile(catalog);
        } catch (CatalogueException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    private DetectionOptions detection() throws ConfigurationException {
        if (noDetection) {
            return null;
        }
        DetectionOptions.ExecPolicy policy = switch (execPolicy) {
            case "always" -> DetectionOptions.ExecPolicy.ALWAYS;
            case "when-needed" -> DetectionOptions.ExecPolicy.WHEN_NEEDED;
            default -> throw new ConfigurationException("--exec-policy " + execPolicy + ": use always or when-needed");
        };
        if (probeTimeout < 1 || detectionDeadline < 1 || probeConcurrency < 1) {
            throw new ConfigurationException("--probe-timeout, --probe-concurrency and --detection-deadline must be at least 1");
        }
        return new DetectionOptions(!noExec, policy, probePublishedPorts, probeConcurrency, Duration.ofSeconds(probeTimeout), Duration.ofSeconds(detectionDeadline));
    }

    @Override
    public Integer call() throws Exception {
        DaemonSettings settings = settings();
        PrintWriter out = out();
        PrintWriter err = err();
        try (PluginRegistry plugins = plugins(settings)) {
            DiscoveryEngine engine = new DiscoveryEngine(plugins, new ServiceDetector(catalogue()), java.time.Clock.systemUTC());
            DiscoveryResult result = engine.discover(settings.targets(), DiscoveryOptions.defaults().withIncludeStopped(all).withDetection(detection()));
            boolean nothing = result.failures().size() == settings.targets().size();
            if (nothing && settings.targets().size() == 1) {
                throw result.failures().get(0).error();
            }
            for (TargetFailure failure : result.failures()) {
                err.println("scanopy-daemon: " + failure.error().getMessage());
            }
            if (nothing) {
                return ScanopyDaemon.EXIT_FAILED;
            }
            if (outFile != null) {
                InventoryJson.writeAtomically(result.inventory(), outFile);
            }
            Format format = output != null ? output : System.console() != null ? Format.table : Format.json;
            if (outFile == null || output != null) {
                if (format == Format.json) {
                    out.print(InventoryJson.toJson(result.inventory()));
                } else {
                    out.print(InventoryTable.render(result.inventory()));
                }
                out.flush();
            }
            return result.failures().isEmpty() ? 0 : ScanopyDaemon.EXIT_PARTIAL;
        }
    }
}
