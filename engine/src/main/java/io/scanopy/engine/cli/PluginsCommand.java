package io.scanopy.engine.cli;

import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginLoadFailure;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.EndpointRequirement;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scanopy-daemon plugins}: what is loaded, from where, and which endpoints each needs. */
@Command(name = "plugins", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = "List the loaded plugins with version, source and declared Docker endpoints.")
final class PluginsCommand implements Callable<Integer> {

    @ParentCommand
    ScanopyDaemon root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DaemonSettings settings = root.settings();
        PrintWriter out = spec.commandLine().getOut();
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

    static void warnFailures(PluginRegistry plugins, PrintWriter err) {
        for (PluginLoadFailure f : plugins.failures()) {
            err.println("scanopy-daemon: warning: plugin " + f.name() + " not loaded: " + f.reason());
        }
    }
}
