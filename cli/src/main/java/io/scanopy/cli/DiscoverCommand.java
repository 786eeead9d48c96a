package io.scanopy.cli;

import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.discovery.TargetFailure;
import io.scanopy.engine.files.OutputFile;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.engine.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scanopy-daemon discover}: one discovery, printed or written. */
@Command(name = "discover", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = "Discover once and print the inventory.")
final class DiscoverCommand extends DaemonCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json }

    @Option(names = "--output", paramLabel = "FORMAT", description = "table or json. Default: table on a terminal, json when piped.")
    Format output;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON inventory to FILE (atomically: written beside it, then renamed;"
            + " a symbolic link is written through). Only a regular file or a new one; checked before discovery.")
    Path outFile;

    @Mixin
    DiscoveryMixin discovery;

    @Override
    public Integer call() throws Exception {
        DaemonSettings settings = settings();
        // Checked before discovering, which may take minutes: a bad path fails now, in one line.
        OutputFile outputFile = outFile == null ? null : OutputFile.check(outFile, "--out");
        PrintWriter out = out();
        PrintWriter err = err();
        try (PluginRegistry plugins = plugins(settings)) {
            DiscoveryEngine engine = new DiscoveryEngine(plugins, new ServiceDetector(discovery.catalogue()), java.time.Clock.systemUTC());
            DiscoveryResult result = engine.discover(settings.targets(), discovery.options().withTargetTimeout(settings.targetTimeout()));
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
            if (outputFile != null) {
                outputFile.write(InventoryJson.toJson(result.inventory()).getBytes(StandardCharsets.UTF_8));
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
