package io.scanopy.engine.live;

import io.scanopy.engine.concurrent.DaemonThreads;
import io.scanopy.engine.files.OutputFile;
import io.scanopy.engine.files.UserFileException;
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
 * atomically ({@link OutputFile}) after each change, at most once per debounce period, so a
 * burst of changes costs one write. A failed write (a full disk) is logged in one line and the
 * previous file kept; the next change tries again.
 */
public final class InventoryFileWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InventoryFileWriter.class);
    private final LiveInventory inventory;
    private final OutputFile file;
    private final Duration debounce;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("inventory-file"));
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile String lastEtag;

    /**
     * @param inventory the live inventory
     * @param file the file to keep current, checked at start-up ({@link OutputFile#check})
     * @param debounce the shortest time between two writes
     */
    public InventoryFileWriter(LiveInventory inventory, OutputFile file, Duration debounce) {
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
            file.write(snapshot.json());
            lastEtag = snapshot.etag();
        } catch (UserFileException e) {
            log.warn("Cannot write the inventory: {}; will try again on the next change", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Cannot write the inventory to {} ({}); will try again on the next change", file.path(), e.toString());
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
