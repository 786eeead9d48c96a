package io.scanopy.engine.live;

import io.scanopy.engine.concurrent.DaemonThreads;
import io.scanopy.engine.json.InventoryJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a JSON file of the live inventory current for file-based consumers: rewritten
 * atomically (beside it, then renamed) after each change, at most once per debounce period,
 * so a burst of changes costs one write.
 */
public final class InventoryFileWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InventoryFileWriter.class);
    private final LiveInventory inventory;
    private final Path file;
    private final Duration debounce;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("inventory-file"));
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile String lastEtag;

    /**
     * @param inventory the live inventory
     * @param file the file to keep current
     * @param debounce the shortest time between two writes
     */
    public InventoryFileWriter(LiveInventory inventory, Path file, Duration debounce) {
        this.inventory = inventory;
        this.file = file;
        this.debounce = debounce;
        inventory.onModified(this::schedule);
        schedule();
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            try {
                writer.schedule(this::write, debounce.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Closed: the daemon is stopping, and the last write is done or under way.
            }
        }
    }

    private void write() {
        pending.set(false);
        Snapshot snapshot = inventory.snapshot();
        if (snapshot.etag().equals(lastEtag)) {
            return;
        }
        try {
            InventoryJson.writeAtomically(snapshot.json(), file);
            lastEtag = snapshot.etag();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot write the inventory to {} ({}); will try again on the next change", file, e.getMessage());
        }
    }

    /** Writes what is pending, then stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
