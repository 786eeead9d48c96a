package io.scanopy.engine.discovery;

import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Note;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine's entry point: for each target, choose the plugin, discover, and compose one
 * inventory with one entry per Docker engine (an engine reached through several targets is one
 * entry listing every way it was reached). Targets are discovered concurrently; one failing
 * target never loses what the others found.
 */
public final class DiscoveryEngine {
    private static final int MAX_PARALLEL_TARGETS = 8;
    private final PluginRegistry plugins;
    private final ServiceDetector detector;
    private final Clock clock;

    /**
     * An engine with the built-in service catalogue.
     *
     * @param plugins the loaded plugins
     */
    public DiscoveryEngine(PluginRegistry plugins) {
        this(plugins, new ServiceDetector(Catalogue.builtIn()), Clock.systemUTC());
    }

    /**
     * @param plugins the loaded plugins
     * @param detector the service detector (keep one for the daemon's life: it caches results)
     * @param clock the clock for {@link Inventory#generatedAt()}
     */
    public DiscoveryEngine(PluginRegistry plugins, ServiceDetector detector, Clock clock) {
        this.plugins = plugins;
        this.detector = detector;
        this.clock = clock;
    }

    /**
     * @return the service detector
     */
    public ServiceDetector detector() {
        return detector;
    }

    /**
     * The plugin that will serve a target.
     *
     * @param target the target
     * @return the plugin
     * @throws DockerAccessException when no loaded plugin serves it
     */
    public LoadedPlugin pluginFor(TargetSpec target) throws DockerAccessException {
        return plugins.choose(target).orElseThrow(() -> new DockerAccessException(Kind.CONFIGURATION, target.flavor() != null
                ? "No plugin '" + target.flavor() + "' is loaded for " + target.label() + " — loaded: " + loadedIds() + " (see: scanopy-daemon plugins)"
                : "No loaded plugin can reach " + target.label() + " — loaded: " + loadedIds() + " (see: scanopy-daemon plugins)", null));
    }

    private String loadedIds() {
        List<String> ids = plugins.plugins().stream().map(LoadedPlugin::id).toList();
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    /**
     * Discovers every target.
     *
     * @param targets the targets, at least one
     * @param options how to discover
     * @return the inventory and the failed targets
     */
    public DiscoveryResult discover(List<TargetSpec> targets, DiscoveryOptions options) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no targets");
        }
        List<Outcome> outcomes = new ArrayList<>();
        if (targets.size() == 1) {
            outcomes.add(discoverOne(targets.get(0), options));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL_TARGETS, targets.size()), r -> {
                Thread t = new Thread(r, "target");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Outcome>> futures = new ArrayList<>();
                for (TargetSpec target : targets) {
                    futures.add(pool.submit(() -> discoverOne(target, options)));
                }
                for (int i = 0; i < targets.size(); i++) {
                    outcomes.add(await(futures.get(i), targets.get(i)));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return compose(outcomes);
    }

    /**
     * Opens a connection to a target with the plugin that serves it: chosen by score, then by
     * which plugin recognises what answers there ({@link PluginRecognition}).
     *
     * @param target the target
     * @return the plugin and the open connection (close it)
     * @throws DockerAccessException when no plugin serves the target or it cannot be reached
     */
    public Connected connect(TargetSpec target) throws DockerAccessException {
        LoadedPlugin chosen = pluginFor(target);
        DockerConnection connection = TargetDiscovery.connect(target, chosen);
        try {
            return new Connected(PluginRecognition.refine(target, chosen, connection, plugins), connection);
        } catch (DockerAccessException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * A target's plugin and an open connection to it.
     *
     * @param plugin the plugin serving the target
     * @param connection the connection
     */
    public record Connected(LoadedPlugin plugin, DockerConnection connection) implements AutoCloseable {
        @Override
        public void close() {
            connection.close();
        }
    }

    private Outcome discoverOne(TargetSpec target, DiscoveryOptions options) {
        try (Connected connected = connect(target)) {
            return new Outcome(target, TargetDiscovery.discover(target, connected.plugin(), connected.connection(), options, detector), null);
        } catch (DockerAccessException e) {
            return new Outcome(target, null, e);
        } catch (RuntimeException e) {
            return new Outcome(target, null, new DockerAccessException(Kind.OTHER, "Discovery of " + target.label() + " failed: " + e, e));
        }
    }

    private static Outcome await(Future<Outcome> future, TargetSpec target) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(target, null, new DockerAccessException(Kind.OTHER, "Discovery of " + target.label() + " was interrupted", e));
        } catch (ExecutionException e) {
            return new Outcome(target, null, new DockerAccessException(Kind.OTHER, "Discovery of " + target.label() + " failed: " + e.getCause(), e.getCause()));
        }
    }

    private DiscoveryResult compose(List<Outcome> outcomes) {
        Map<String, DockerEngine> engines = new LinkedHashMap<>();
        List<TargetFailure> failures = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.error() != null) {
                failures.add(new TargetFailure(outcome.target(), outcome.error()));
                notes.add(new Note(Note.Level.ERROR, "target-failed", outcome.target().label(), outcome.error().getMessage()));
                continue;
            }
            engines.merge(outcome.engine().id(), outcome.engine(), DiscoveryEngine::sameEngine);
        }
        List<DockerEngine> sorted = new ArrayList<>(engines.values());
        sorted.sort(Comparator.comparing(DockerEngine::id));
        return new DiscoveryResult(new Inventory(Inventory.SCHEMA_VERSION, clock.instant(), sorted, notes), failures);
    }

    /**
     * The same engine reached twice: keep the description from the target that was allowed
     * more (the first on a tie), and record every way in.
     */
    private static DockerEngine sameEngine(DockerEngine first, DockerEngine second) {
        DockerEngine kept = allowedCount(second) > allowedCount(first) ? second : first;
        List<DockerEngine.Reach> reaches = new ArrayList<>(first.reachedVia());
        reaches.addAll(second.reachedVia());
        reaches.sort(Comparator.comparing(DockerEngine.Reach::target).thenComparing(DockerEngine.Reach::plugin));
        return new DockerEngine(kept.id(), kept.name(), kept.version(), kept.apiVersion(), kept.os(), reaches,
                kept.capabilities(), kept.containers(), kept.networks(), kept.notes());
    }

    private static long allowedCount(DockerEngine engine) {
        return engine.capabilities().checks().stream().filter(c -> c.status() == CapabilityReport.Status.ALLOWED).count();
    }

    private record Outcome(TargetSpec target, DockerEngine engine, DockerAccessException error) {
    }
}
