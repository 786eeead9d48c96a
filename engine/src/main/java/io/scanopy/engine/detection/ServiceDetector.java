package io.scanopy.engine.detection;

import io.scanopy.engine.concurrent.DaemonThreads;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.spi.Transport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.Note;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service detection for the containers of one engine: exec probing where allowed (one exec per
 * container), the API route everywhere else, label overrides, bounded work, and a cache keyed by
 * container id, start time and image id so unchanged containers cost no exec the next time.
 * One instance lives as long as the daemon: its cache is what makes steady state free.
 */
public final class ServiceDetector implements AutoCloseable {
    private final Catalogue catalogue;
    private final ServiceMatcher matcher;
    private final List<String> execProbes;
    private final List<String> paths;
    private final Map<CacheKey, List<DetectedService>> cache = new ConcurrentHashMap<>();
    private final AtomicInteger execsTotal = new AtomicInteger();
    private final AtomicLong cacheHits = new AtomicLong();
    /** For --probe-published-ports, made once when first needed: each client has a selector thread of its own. */
    private HttpClient publishedPortClient;
    /**
     * Probes in flight per engine, across detections that overlap (the daemon's batches): the
     * concurrency limit holds for the engine, not just for one call. Keyed by the engine's
     * address and the limit.
     */
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    /** Made once: each detection runs its probe workers here, as many as its options allow. */
    private final ExecutorService pool = Executors.newCachedThreadPool(DaemonThreads.named("probe"));

    /**
     * @param catalogue the catalogue
     */
    public ServiceDetector(Catalogue catalogue) {
        this.catalogue = catalogue;
        this.matcher = new ServiceMatcher(catalogue);
        this.execProbes = catalogue.execProbes();
        this.paths = catalogue.httpPaths();
    }

    /**
     * @return the catalogue in use
     */
    public Catalogue catalogue() {
        return catalogue;
    }

    /**
     * @return exec instances created since this detector was made (for tests and benchmarks)
     */
    public int execsTotal() {
        return execsTotal.get();
    }

    /**
     * @return containers whose services came from the cache instead of a probe, since this detector was made
     */
    public long cacheHits() {
        return cacheHits.get();
    }

    /**
     * What an earlier probe found for this container, if it is unchanged since (same id, start
     * time and image): the daemon uses it to keep a re-inspected container's services without
     * any detection work.
     *
     * @param c the container
     * @return the services, or empty when the container was never probed as it is now
     */
    public Optional<List<DetectedService>> cached(Container c) {
        return c.started() == null ? Optional.empty() : Optional.ofNullable(cache.get(new CacheKey(c.id(), c.started(), c.imageId())));
    }

    /**
     * What detection produced for one engine.
     *
     * @param containers the containers, with services, minus those hidden by {@code scanopy.ignore}
     * @param notes notes about degraded or partial detection
     * @param execs exec instances created
     * @param unsettled ids of containers whose probe did not run or was cut by the deadline: worth another try
     */
    public record Outcome(List<Container> containers, List<Note> notes, int execs, Set<String> unsettled) {
    }

    private record CacheKey(String id, Instant started, String imageId) {
    }

    /**
     * Detects services.
     *
     * @param connection the engine
     * @param containers its containers
     * @param options how to detect
     * @param execDenied why exec cannot be used on this target, or null when it can
     * @return the containers with their services, and notes
     */
    public Outcome detect(DockerConnection connection, List<Container> containers, DetectionOptions options, String execDenied) {
        List<Note> notes = new ArrayList<>();
        boolean useExec = options.exec() && execDenied == null;
        if (!options.exec()) {
            notes.add(new Note(Note.Level.INFO, "detection-without-exec", null, "exec not used (--no-exec): services detected from image, label and port rules only"));
        } else if (execDenied != null) {
            notes.add(new Note(Note.Level.WARNING, "detection-degraded", null, "exec is denied (" + execDenied
                    + "): every container is still discovered, services are detected from image, label and port rules only"));
        }
        boolean local = isLocal(connection.transport());
        if (options.probePublishedPorts() && !local) {
            notes.add(new Note(Note.Level.INFO, "published-ports-not-probed", null, "--probe-published-ports needs a local engine; " + connection.transport().describe() + " is remote"));
        }

        Map<String, List<DetectedService>> services = new LinkedHashMap<>();
        Map<String, CompletableFuture<ProbeResult>> probes = new LinkedHashMap<>();
        Queue<Container> toProbe = new ConcurrentLinkedQueue<>();
        List<Container> visible = new ArrayList<>();
        List<Container> hidden = new ArrayList<>();
        int execs = 0;
        for (Container c : containers) {
            if (ServiceMatcher.ignored(c)) {
                hidden.add(c);
                continue;
            }
            visible.add(c);
            var forced = matcher.forced(c);
            if (forced.isPresent()) {
                services.put(c.id(), List.of(forced.get()));
                continue;
            }
            CacheKey key = new CacheKey(c.id(), c.started(), c.imageId());
            List<DetectedService> cached = c.started() == null ? null : cache.get(key);
            if (cached != null) {
                cacheHits.incrementAndGet();
                services.put(c.id(), cached);
                continue;
            }
            boolean running = "running".equals(c.state());
            if (useExec && running && (options.policy() == DetectionOptions.ExecPolicy.ALWAYS || !matcher.conclusiveWithoutProbe(c))) {
                probes.put(c.id(), new CompletableFuture<>());
                toProbe.add(c);
            }
        }
        AtomicBoolean abandoned = new AtomicBoolean();
        Set<String> unsettledIds = new java.util.HashSet<>();
        long deadline = System.nanoTime() + options.deadline().toNanos();
        Semaphore inFlight = inFlight(connection, options.concurrency());
        Set<String> cutByDeadline = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < Math.min(options.concurrency(), toProbe.size()); i++) {
            pool.execute(() -> {
                Container next;
                while (!abandoned.get() && (next = toProbe.poll()) != null) {
                    CompletableFuture<ProbeResult> future = probes.get(next.id());
                    try {
                        // Each probe ends itself by its limit, so no probe outlives the deadline.
                        Duration limit = Duration.ofNanos(Math.min(options.execTimeout().toNanos(), deadline - System.nanoTime()));
                        if (limit.toSeconds() < 1 || !inFlight.tryAcquire(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                            future.complete(null);
                            continue;
                        }
                        try {
                            limit = Duration.ofNanos(Math.min(options.execTimeout().toNanos(), deadline - System.nanoTime()));
                            ProbeResult result = limit.toSeconds() < 1 ? null : ExecProbe.probe(connection, next.id(), execProbes, limit, options.execUser());
                            if (result != null && result.cut() && limit.compareTo(options.execTimeout()) < 0) {
                                cutByDeadline.add(next.id());
                            }
                            future.complete(result);
                        } finally {
                            inFlight.release();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (RuntimeException e) {
                        future.completeExceptionally(e);
                    }
                }
            });
        }
        Set<String> removed = new java.util.HashSet<>();
        try {
            List<String> unprobed = new ArrayList<>();
            for (Container c : visible) {
                if (services.containsKey(c.id())) {
                    continue;
                }
                Future<ProbeResult> probe = probes.get(c.id());
                ProbeResult result = null;
                if (probe != null) {
                    try {
                        // A probe's exec ends by its limit; the grace covers the engine's own delay in saying so.
                        result = probe.get(Math.max(0, deadline - System.nanoTime() + ExecProbe.GRACE.toNanos()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        unsettledIds.add(c.id());
                        unprobed.add(c.displayName());
                    } catch (ExecutionException e) {
                        result = ProbeResult.notRun("probe failed: " + e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        unsettledIds.add(c.id());
                        unprobed.add(c.displayName());
                    }
                }
                if (probe != null && result == null && !unsettledIds.contains(c.id())) {
                    // No time was left to start it.
                    unsettledIds.add(c.id());
                    unprobed.add(c.displayName());
                }
                if (result != null && result.gone() != null) {
                    // Removed or stopped between its inspection and its probe: a fact about the container, not an exec error.
                    notes.add(new Note(Note.Level.INFO, "container-vanished", c.id(), c.displayName() + ": " + result.gone()
                            + " before its probe could run" + (result.gone().equals("removed") ? "; left out" : "; detected from what the Docker API showed")));
                    execs += result.execs();
                    if (result.gone().equals("removed")) {
                        removed.add(c.id());
                    }
                    services.put(c.id(), matcher.match(c, null, List.of(), "exec"));
                    continue;
                }
                List<DetectedService> found;
                if (result != null) {
                    execs += result.execs();
                    if (result.notRun()) {
                        unsettledIds.add(c.id());
                    }
                    if (cutByDeadline.contains(c.id())) {
                        // Its limit was the deadline's, not its own: what it saw is kept, and it is worth another try.
                        unsettledIds.add(c.id());
                        unprobed.add(c.displayName());
                    }
                    found = matcher.match(c, result.listeningPorts(), result.answers(), result.banners(), "exec");
                    if (result.userFallback() != null) {
                        found = withUserFallback(found, result.userFallback());
                        notes.add(new Note(Note.Level.INFO, "probe-user-fallback", c.id(), c.displayName() + ": probed as the container's own user: "
                                + result.userFallback()));
                    }
                    if (result.limitation() != null) {
                        notes.add(new Note(Note.Level.INFO, "probe-limited", c.id(), c.displayName() + ": " + result.limitation()
                                + "; detected from what the probe and the Docker API show"));
                    } else if (c.started() != null) {
                        cache.put(new CacheKey(c.id(), c.started(), c.imageId()), found);
                    }
                } else if (options.probePublishedPorts() && local && "running".equals(c.state())) {
                    found = matcher.match(c, null, probePublished(c), "published-port");
                } else {
                    found = matcher.match(c, null, List.of(), "exec");
                }
                services.put(c.id(), found);
            }
            if (!unprobed.isEmpty()) {
                notes.add(new Note(Note.Level.WARNING, "detection-partial", String.join(",", unprobed), "detection deadline of "
                        + options.deadline().toSeconds() + " s reached: " + unprobed.size() + " container(s) not probed or cut short (" + String.join(", ", unprobed)
                        + "); their services come from image, label and port rules and what a probe saw by then"));
            }
        } finally {
            // Past the deadline nobody waits: workers take no new container, and a probe in flight has ended by its own limit.
            abandoned.set(true);
        }
        ServiceMatcher.hiddenNote(hidden).ifPresent(notes::add);
        execsTotal.addAndGet(execs);
        List<Container> result = new ArrayList<>();
        for (Container c : visible) {
            if (!removed.contains(c.id())) {
                result.add(c.withServices(Objects.requireNonNullElse(services.get(c.id()), List.of())));
            }
        }
        return new Outcome(result, notes, execs, Set.copyOf(unsettledIds));
    }

    private Semaphore inFlight(DockerConnection connection, int concurrency) {
        return inFlight.computeIfAbsent(connection.transport().describe() + "#" + concurrency, k -> new Semaphore(concurrency));
    }

    /** Exec evidence says when the probe could not run as the configured user, and why: it is kept with the services, in the cache too. */
    private static List<DetectedService> withUserFallback(List<DetectedService> services, String why) {
        return services.stream().map(s -> new DetectedService(s.definitionId(), s.name(), s.confidence(), s.evidence().stream()
                .map(e -> !e.route().equals("exec") ? e : new DetectedService.Evidence(e.route(), e.rule(), e.port(), e.endpoint(), e.httpStatus(),
                        e.detail() + "; probed as the container's own user: " + why))
                .toList())).toList();
    }

    /** Stops the probe workers; probes in flight are abandoned (each ends itself at its limit inside the container). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * Forgets what was detected for a container (it was destroyed): the cache holds only what may still be asked for.
     *
     * @param containerId the container
     */
    public void forget(String containerId) {
        cache.keySet().removeIf(k -> k.id().equals(containerId));
    }

    /** GET each catalogue path on each TCP port published on the loopback or all interfaces, from the daemon. */
    private synchronized HttpClient publishedPortClient() {
        if (publishedPortClient == null) {
            publishedPortClient = HttpClient.newBuilder().connectTimeout(PUBLISHED_PORT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return publishedPortClient;
    }

    private List<HttpAnswer> probePublished(Container c) {
        List<HttpAnswer> answers = new ArrayList<>();
        HttpClient client = publishedPortClient();
        for (Container.Port port : c.ports()) {
            if (port.publicPort() == null || !port.protocol().equals("tcp") || !isAnyOrLoopback(port.hostIp())) {
                continue;
            }
            for (String path : paths) {
                java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.publicPort() + path)).timeout(PUBLISHED_PORT_TIMEOUT).GET().build(),
                        info -> new CappedBody(PUBLISHED_PORT_MAX_BODY));
                try {
                    // The whole exchange, body included, within the probe's time: a body sent one byte at a time ends here too.
                    HttpResponse<byte[]> response = exchange.get(PUBLISHED_PORT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    Map<String, String> headers = new LinkedHashMap<>();
                    response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
                    answers.add(new HttpAnswer(port.publicPort(), path, response.statusCode(), headers,
                            new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    exchange.cancel(true);
                    break;
                } catch (InterruptedException e) {
                    exchange.cancel(true);
                    Thread.currentThread().interrupt();
                    return answers;
                }
            }
        }
        return answers;
    }

    /** The time one request to a published port may take in all. */
    static final Duration PUBLISHED_PORT_TIMEOUT = Duration.ofSeconds(2);
    /** The most read of a published port's answer: enough for any catalogue match, never a whole download. */
    static final int PUBLISHED_PORT_MAX_BODY = 64 * 1024;

    /** Keeps the first {@code cap} bytes of a body, then stops reading it (the rest is never received into memory). */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> body = new java.util.concurrent.CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> buffers) {
            for (java.nio.ByteBuffer b : buffers) {
                int n = Math.min(b.remaining(), cap - kept.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                kept.write(chunk, 0, n);
            }
            if (kept.size() >= cap) {
                subscription.cancel();
                body.complete(kept.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(kept.toByteArray());
        }
    }

    private static boolean isAnyOrLoopback(String ip) {
        return ip == null || ip.equals("0.0.0.0") || ip.equals("::") || ip.equals("127.0.0.1") || ip.equals("::1");
    }

    private static boolean isLocal(Transport transport) {
        return transport instanceof Transport.UnixSocket
                || transport instanceof Transport.Tcp tcp && (tcp.host().equals("127.0.0.1") || tcp.host().equals("localhost") || tcp.host().equals("::1"));
    }
}
