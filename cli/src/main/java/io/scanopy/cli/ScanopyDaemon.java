package io.scanopy.cli;

import io.scanopy.engine.config.CliSettings;
import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.config.SettingsResolver;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.text.Inert;
import io.scanopy.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code scanopy-daemon}: the command line. Global options (targets, TLS, config, plugins) may
 * be given before or after the command; they resolve command line over environment over
 * config file over defaults.
 */
@Command(name = "scanopy-daemon",
        mixinStandardHelpOptions = true,
        versionProvider = ScanopyDaemon.Version.class,
        description = {"Discovers containers, ports, networks and services on Docker hosts, directly or through a Docker socket proxy.",
                "Without a command it runs the daemon (scanopy-daemon run): the inventory kept current from Docker's events and served over HTTP."},
        subcommands = {RunCommand.class, DiscoverCommand.class, DoctorCommand.class, ProxyConfigCommand.class, PluginsCommand.class, HealthCommand.class},
        footer = {"", "Exit codes: 0 success, 1 nothing could be discovered, 2 bad usage or configuration, 3 some targets failed (the rest is reported)."})
public final class ScanopyDaemon implements Runnable {
    /** Exit code: nothing could be discovered. */
    public static final int EXIT_FAILED = 1;
    /** Exit code: bad usage or configuration. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: some targets failed, the others were reported. */
    public static final int EXIT_PARTIAL = 3;

    @Option(names = "--docker-proxy", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Docker socket proxy URL (http:// or https://); repeat for several. Env: SCANOPY_DOCKER_PROXY (comma-separated). Default: the local socket, or DOCKER_HOST.")
    List<String> dockerProxies = new ArrayList<>();

    @Option(names = "--docker-proxy-ssl-cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Client certificate (PEM) for an https:// proxy. Env: SCANOPY_DOCKER_PROXY_SSL_CERT.")
    Path sslCert;

    @Option(names = "--docker-proxy-ssl-key", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Client private key (PEM; RSA or EC, PKCS#1 or PKCS#8). Env: SCANOPY_DOCKER_PROXY_SSL_KEY.")
    Path sslKey;

    @Option(names = "--docker-proxy-ssl-chain", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "CA certificate(s) (PEM) that signed the proxy's certificate. Env: SCANOPY_DOCKER_PROXY_SSL_CHAIN.")
    Path sslChain;

    @Option(names = "--docker-proxy-flavor", paramLabel = "FLAVOR", scope = ScopeType.INHERIT,
            description = "Force the plugin for the proxy: tecnativa, wollomatic, linuxserver, generic (or any plugin id). Env: SCANOPY_DOCKER_PROXY_FLAVOR. Default: chosen automatically.")
    String flavor;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "YAML config file (see README). Env: SCANOPY_CONFIG.")
    Path configFile;

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder of plugin archives (pf4j zip or jar). Env: SCANOPY_PLUGINS_DIR. Default: the distribution's plugins/.")
    Path pluginsDir;

    @Option(names = "--target-timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "Time reaching one target and reading its inventory may take in all, and any one request to it (service detection has its own"
                    + " deadline). Env: SCANOPY_TARGET_TIMEOUT. Default: 20.")
    String targetTimeout;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Debug logging on stderr, and stack traces on errors.")
    boolean debug;

    private final Map<String, String> environment;

    /**
     * @param environment the process environment (tests pass their own)
     */
    public ScanopyDaemon(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public void run() {
        // Only reached when picocli found no command; run() below adds "run" first.
        throw new CommandLine.ParameterException(new CommandLine(this), "Choose a command: run, discover, doctor, proxy-config, plugins, health (see --help)");
    }

    /**
     * Without a command the daemon runs: the guide starts it as {@code scanopy-daemon --docker-proxy URL ...},
     * possibly with the daemon's own options, so "run" goes first when no command is named. The
     * same CommandLine parses each try (picocli resets every option field before a parse): building
     * its model is most of a short command's start, and the health check starts every interval.
     */
    private static String[] withDefaultCommand(CommandLine cli, String[] args) {
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (parsed.hasSubcommand() || parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
                return args;
            }
        } catch (CommandLine.ParameterException e) {
            // Perhaps options only the daemon takes (--daemon-port ...): tried below as "run".
        }
        String[] withRun = new String[args.length + 1];
        withRun[0] = "run";
        System.arraycopy(args, 0, withRun, 1, args.length);
        try {
            cli.parseArgs(withRun);
            return withRun;
        } catch (CommandLine.ParameterException e) {
            return args;
        }
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line with a given environment and streams; the exit code is returned.
     *
     * @param args the arguments
     * @param env the environment
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        if (List.of(args).contains("--debug")) {
            // Before any logger exists: the logback configuration reads it.
            System.setProperty("scanopy.log.level", "DEBUG");
        }
        ScanopyDaemon root = new ScanopyDaemon(env);
        CommandLine cli = new CommandLine(root);
        args = withDefaultCommand(cli, args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> Errors.report(e, root.debug, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("scanopy-daemon: " + Inert.text(e.getMessage()));
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }

    /**
     * @return the environment the daemon runs with
     */
    Map<String, String> environment() {
        return environment;
    }

    /**
     * Resolves the settings from flags, environment and config file.
     *
     * @return the settings
     * @throws ConfigurationException when a setting is unusable
     */
    DaemonSettings settings() throws ConfigurationException {
        CliSettings cli = new CliSettings(configFile, dockerProxies, sslCert, sslKey, sslChain, flavor, pluginsDir, targetTimeout);
        return SettingsResolver.resolve(cli, environment, defaultPluginsDir());
    }

    /**
     * Loads the plugins: the plugins folder through pf4j, and any on the classpath.
     *
     * @param settings the settings
     * @return the registry
     */
    static PluginRegistry loadPlugins(DaemonSettings settings) {
        return PluginRegistry.load(settings.pluginsDir(), ScanopyDaemon.class.getClassLoader());
    }

    /** The distribution's plugins folder: the launcher sets {@code scanopy.home}. */
    private static Path defaultPluginsDir() {
        String home = System.getProperty("scanopy.home");
        return home == null || home.isBlank() ? null : Path.of(home, "plugins");
    }

    /** Version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"scanopy-daemon " + daemonVersion() + " (plugin SPI " + SpiVersion.CURRENT + ")"};
        }

        static String daemonVersion() {
            Properties p = new Properties();
            try (InputStream in = ScanopyDaemon.class.getResourceAsStream("/io/scanopy/engine/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            return p.getProperty("version", "unknown");
        }
    }
}
