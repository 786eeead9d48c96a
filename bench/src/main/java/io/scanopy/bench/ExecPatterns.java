package io.scanopy.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Exec patterns our detection is compared with, run from a minimal client (docker-java with its
 * stock httpclient5 transport, nothing of ours) on a given set of containers:
 * <ul>
 * <li>the raw exec floor: one exec of {@code true} per container — the least an exec costs;</li>
 * <li>the peer design, Scanopy v0.17's probing pattern replayed: two execs per container, first
 * {@code cat /proc/net/tcp /proc/net/tcp6}, then one probe script ({@code peer-probe.sh}: one
 * HTTP GET / per listening port), {@value #PEER_CONCURRENCY} containers in flight.</li>
 * </ul>
 * A failed exec (an API error, a timeout, or output without what a finished run prints) is
 * counted apart and is never work done.
 */
final class ExecPatterns implements AutoCloseable {
    /** Containers probed at once by the peer design. */
    static final int PEER_CONCURRENCY = 15;
    private static final long EXEC_TIMEOUT_SECONDS = 10;
    private static final int MAX_OUTPUT = 1 << 20;
    private static final String PEER_SCRIPT = resource("peer-probe.sh");

    /**
     * What one pass did.
     *
     * @param containers containers whose every exec succeeded (the work done)
     * @param execs execs that succeeded
     * @param failedExecs execs that failed (never counted as work)
     * @param seconds how long the pass took
     * @param firstFailure why the first failed exec failed, or null
     */
    record Pass(int containers, int execs, int failedExecs, double seconds, String firstFailure) {
        double containersPerSecond() {
            return containers / seconds;
        }
    }

    private final DockerClient docker;

    ExecPatterns(Path socket) {
        URI host = URI.create("unix://" + socket);
        docker = DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host.toString()).build(),
                new ApacheDockerHttpClient.Builder().dockerHost(host).maxConnections(32).build());
    }

    /**
     * @param ids the containers
     * @param concurrency containers in flight
     * @return one exec of {@code true} per container
     */
    Pass rawFloor(List<String> ids, int concurrency) {
        return run(ids, concurrency, id -> exec(id, List.of("true"), out -> true) ? 1 : 0, 1);
    }

    /**
     * @param ids the containers
     * @return Scanopy v0.17's pattern: the TCP tables, then the probe script, {@value #PEER_CONCURRENCY} in flight
     */
    Pass peer(List<String> ids) {
        return run(ids, PEER_CONCURRENCY, id -> {
            boolean tables = exec(id, List.of("cat", "/proc/net/tcp", "/proc/net/tcp6"), out -> out.contains("local_address"));
            boolean probe = exec(id, List.of("sh", "-c", PEER_SCRIPT), out -> out.strip().endsWith("probe-done"));
            return (tables ? 1 : 0) + (probe ? 1 : 0);
        }, 2);
    }

    /** Runs the per-container work with that many in flight; the work returns how many of its execs succeeded. */
    private Pass run(List<String> ids, int concurrency, java.util.function.ToIntFunction<String> work, int execsPerContainer) {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger whole = new AtomicInteger();
        AtomicInteger execs = new AtomicInteger();
        firstFailure.set(null);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(pool.submit(() -> {
                    int ok = work.applyAsInt(id);
                    execs.addAndGet(ok);
                    if (ok == execsPerContainer) {
                        whole.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("exec pass failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Pass(whole.get(), execs.get(), ids.size() * execsPerContainer - execs.get(), seconds, firstFailure.get());
    }

    /** One exec, output collected (bounded); whether it succeeded: no error, in time, and its output passes the check. */
    private boolean exec(String id, List<String> command, Predicate<String> finished) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            String exec = docker.execCreateCmd(id).withCmd(command.toArray(new String[0])).withAttachStdout(true).withAttachStderr(true).exec().getId();
            try (var callback = docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (out) {
                        if (out.size() < MAX_OUTPUT) {
                            out.writeBytes(frame.getPayload());
                        }
                    }
                }
            })) {
                if (!callback.awaitCompletion(EXEC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    return failed(command, "no end in " + EXEC_TIMEOUT_SECONDS + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(command, "interrupted");
        } catch (IOException | RuntimeException e) {
            return failed(command, e.toString());
        }
        String output;
        synchronized (out) {
            output = out.toString(StandardCharsets.UTF_8);
        }
        return finished.test(output) || failed(command, "output without its end: " + output.substring(Math.max(0, output.length() - 200)).strip());
    }

    private final java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();

    private boolean failed(List<String> command, String why) {
        firstFailure.compareAndSet(null, command.get(0) + (command.size() > 1 && !command.get(0).equals("sh") ? " " + command.get(1) : "") + ": " + why);
        return false;
    }

    private static String resource(String name) {
        try (InputStream in = ExecPatterns.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the benchmark's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }
}
