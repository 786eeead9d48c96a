package io.scanopy.engine.discovery;

import io.scanopy.engine.concurrent.DaemonThreads;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.Note;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One-shot discovery: for each target, open a {@link TargetSession}, discover, and compose one
 * inventory ({@link InventoryComposer}). Targets are discovered concurrently; one failing
 * target never loses what the others found.
 */
public final class DiscoveryEngine {
    private final PluginRegistry plugins;
    private final ServiceDetector detector;
    private final Clock clock;
    /** Made once: each target of a discovery runs in a thread of its own (idle ones end after a minute). */
    private final ExecutorService targetThreads = Executors.newCachedThreadPool(DaemonThreads.named("discover"));

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
     * @param detector the service detector (keep one for the process's life: it caches results)
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
     * Opens a session on a target with the plugin that serves it.
     *
     * @param target the target
     * @return the open session (close it)
     * @throws DockerAccessException when no plugin serves the target or it cannot be reached
     */
    public TargetSession open(TargetSpec target) throws DockerAccessException {
        return TargetSession.open(target, plugins);
    }

    /**
     * Opens a session on a target for one piece of work that must end within the target
     * timeout ({@code doctor}): every request on it ends by then.
     *
     * @param target the target
     * @param timeout the target timeout
     * @return the open session (close it)
     * @throws DockerAccessException when no plugin serves the target or it cannot be reached
     */
    public TargetSession open(TargetSpec target, java.time.Duration timeout) throws DockerAccessException {
        return TargetSession.open(target, plugins, timeout, java.time.Instant.now().plus(timeout));
    }

    /**
     * Discovers every target, each in a thread of its own (a slow target holds up nobody): all
     * start at once, so N targets that never answer cost one target timeout, not N.
     *
     * @param targets the targets, at least one
     * @param options how to discover
     * @return the inventory and the failed targets
     */
    public DiscoveryResult discover(List<TargetSpec> targets, DiscoveryOptions options) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no targets");
        }
        if (targets.size() == 1) {
            return compose(List.of(discoverOne(targets.get(0), options)));
        }
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (TargetSpec target : targets) {
            futures.add(CompletableFuture.supplyAsync(() -> discoverOne(target, options), targetThreads));
        }
        return compose(futures.stream().map(CompletableFuture::join).toList());
    }

    private Outcome discoverOne(TargetSpec target, DiscoveryOptions options) {
        // Every request on the target ends by this time: the target timeout bounds the whole reading of its inventory.
        java.time.Instant finishBy = java.time.Instant.now().plus(options.targetTimeout());
        try (TargetSession session = TargetSession.open(target, plugins, options.targetTimeout(), finishBy)) {
            return new Outcome(target, session.discover(options, detector), null);
        } catch (DockerAccessException e) {
            return new Outcome(target, null, e);
        } catch (RuntimeException e) {
            return new Outcome(target, null, new DockerAccessException(Kind.OTHER, "Discovery of " + target.label() + " failed: " + e, e));
        }
    }

    private DiscoveryResult compose(List<Outcome> outcomes) {
        List<DockerEngine> engines = new ArrayList<>();
        List<TargetFailure> failures = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.error() != null) {
                failures.add(new TargetFailure(outcome.target(), outcome.error()));
                notes.add(new Note(Note.Level.ERROR, "target-failed", outcome.target().label(), outcome.error().getMessage()));
            } else {
                engines.add(outcome.engine());
            }
        }
        return new DiscoveryResult(InventoryComposer.compose(engines, notes, clock.instant()), failures);
    }

    private record Outcome(TargetSpec target, DockerEngine engine, DockerAccessException error) {
    }
}
