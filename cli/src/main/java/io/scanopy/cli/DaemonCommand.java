package io.scanopy.cli;

import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.plugin.PluginLoadFailure;
import io.scanopy.engine.plugin.PluginRegistry;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the global options (on the parent), its streams, and plugin loading. */
abstract class DaemonCommand {

    @ParentCommand
    ScanopyDaemon root;

    @Spec
    CommandSpec spec;

    DaemonSettings settings() throws ConfigurationException {
        return root.settings();
    }

    /** Standard output as it is: for JSON (exact) and renderings that make their values inert themselves. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard output for human-readable lines carrying values others control (see {@link InertWriter}). */
    PrintWriter humanOut() {
        return new InertWriter(spec.commandLine().getOut());
    }

    /** Standard error: one line per message, every value inert. */
    PrintWriter err() {
        return new InertWriter(spec.commandLine().getErr());
    }

    /** Loads the plugins and warns on stderr about any that failed. */
    PluginRegistry plugins(DaemonSettings settings) {
        PluginRegistry plugins = ScanopyDaemon.loadPlugins(settings);
        for (PluginLoadFailure f : plugins.failures()) {
            err().println("scanopy-daemon: warning: plugin " + f.name() + " not loaded: " + f.reason());
        }
        return plugins;
    }
}
