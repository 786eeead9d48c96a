package io.scanopy.engine.live;

import io.scanopy.engine.concurrent.DaemonThreads;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The long-running daemon's engine: one {@link TargetWatcher} per configured target keeping its
 * part of one {@link LiveInventory} current. Its threads are made once here and stopped by
 * {@link #close()}.
 */
public final class Daemon implements AutoCloseable {
    private final LiveInventory inventory;
    private final List<TargetWatcher> watchers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService detectionPool;
    private final CountDownLatch firstSyncs;

    /**
     * @param plugins the loaded plugins
     * @param targets the targets, at least one
     * @param options how to keep current
     * @param detector the service detector (kept for the daemon's life: its cache makes steady state free), or null for none
     * @param metrics where to count
     * @param clock the clock
     */
    public Daemon(PluginRegistry plugins, List<TargetSpec> targets, DaemonOptions options, ServiceDetector detector, DaemonMetrics metrics, Clock clock) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no targets");
        }
        this.inventory = new LiveInventory(clock, LiveInventory.DEFAULT_WINDOW);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("daemon-timer"));
        this.detectionPool = Executors.newFixedThreadPool(Math.max(1, Math.min(targets.size(), 4)), DaemonThreads.named("detection"));
        this.firstSyncs = new CountDownLatch(targets.size());
        for (TargetSpec target : targets) {
            watchers.add(new TargetWatcher(target, plugins, options, inventory, detector, metrics, scheduler, detectionPool, clock, firstSyncs::countDown));
        }
    }

    /** Starts every watcher; returns at once. */
    public void start() {
        for (TargetWatcher watcher : watchers) {
            Thread t = new Thread(watcher, "watch-" + watcher.label());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * @return the live inventory
     */
    public LiveInventory inventory() {
        return inventory;
    }

    /**
     * Waits until every target has had its first full discovery (not detection) and follows
     * its events or polls it.
     *
     * @param timeout how long to wait
     * @return true when all have
     * @throws InterruptedException when interrupted
     */
    public boolean awaitFirstSync(Duration timeout) throws InterruptedException {
        return firstSyncs.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops every watcher (streams closed, probes in flight abandoned) and waits briefly for them. */
    @Override
    public void close() {
        watchers.forEach(TargetWatcher::stop);
        scheduler.shutdownNow();
        detectionPool.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
