package io.scanopy.cli;

import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginLoadFailure;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.EndpointRequirement;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code scanopy-daemon plugins}: what is loaded, from where, and which endpoints each needs. */
@Command(name = "plugins", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = "List the loaded plugins with version, source and declared Docker endpoints.")
final class PluginsCommand extends DaemonCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        DaemonSettings settings = settings();
        PrintWriter out = humanOut();
        try (PluginRegistry plugins = ScanopyDaemon.loadPlugins(settings)) {
            out.println("Plugins directory: " + (settings.pluginsDir() == null ? "(none; classpath only)" : settings.pluginsDir()));
            for (LoadedPlugin p : plugins.plugins()) {
                out.printf("%n%s %s  [%s: %s]%n", p.id(), p.version(), p.source().name().toLowerCase(java.util.Locale.ROOT), p.location());
                out.println("  " + p.plugin().description());
                for (EndpointRequirement r : p.plugin().endpoints()) {
                    out.printf("  %-5s %-24s %-8s %s%n", r.endpoint().method(), r.endpoint().pathTemplate(),
                            r.required() ? "required" : "optional",
                            r.required() ? r.purpose() : r.purpose() + " — if denied: " + r.fallback().effect());
                }
            }
            for (PluginLoadFailure f : plugins.failures()) {
                out.printf("%nNOT LOADED %s: %s%n", f.name(), f.reason());
            }
            out.flush();
            return plugins.plugins().isEmpty() ? ScanopyDaemon.EXIT_FAILED : 0;
        }
    }
}
