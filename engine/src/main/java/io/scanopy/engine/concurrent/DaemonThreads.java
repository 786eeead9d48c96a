package io.scanopy.engine.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the engine's pools: named after what they do (a thread dump then reads like the
 * architecture, and tests and benchmarks find them by name), and daemon threads, so a pool an
 * embedder forgets to close never keeps the JVM alive.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param prefix the name; threads are called {@code prefix-1}, {@code prefix-2}, ...
     * @return the factory
     */
    public static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
