package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.live.Change;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChangeQueueTest {
    private static Change change(long id) {
        return new Change(id, Change.Kind.ADDED, Change.CONTAINER, "e", "c" + id, null);
    }

    @Test
    void pendingChangesComeOutTogetherInOrder() throws Exception {
        ChangeQueue queue = new ChangeQueue(3);
        queue.offer(change(1));
        queue.offer(change(2));
        assertEquals(List.of(change(1), change(2)), queue.take(1000).changes());
    }

    @Test
    void nothingPendingReturnsEmptyAfterTheTimeout() throws Exception {
        long start = System.nanoTime();
        ChangeQueue.Batch batch = new ChangeQueue(3).take(50);
        assertTrue(batch.changes().isEmpty() && !batch.overflowed() && !batch.closed());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45));
    }

    @Test
    void offeringBeyondCapacityOverflowsAndDropsWhatWasPending() throws Exception {
        ChangeQueue queue = new ChangeQueue(2);
        queue.offer(change(1));
        queue.offer(change(2));
        queue.offer(change(3));
        queue.offer(change(4));
        ChangeQueue.Batch batch = queue.take(1000);
        assertTrue(batch.overflowed());
        assertTrue(batch.changes().isEmpty(), "the client reloads: the pending changes are useless to it");
    }

    @Test
    void closeWakesAWaitingTake() throws Exception {
        ChangeQueue queue = new ChangeQueue(2);
        CompletableFuture<ChangeQueue.Batch> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(taken.isDone());
        queue.close();
        assertTrue(taken.get(1, TimeUnit.SECONDS).closed());
    }
}
