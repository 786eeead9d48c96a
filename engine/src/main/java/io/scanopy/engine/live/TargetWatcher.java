package io.scanopy.engine.live;

import io.scanopy.engine.capability.CapabilityNegotiator.Negotiated;
import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.detection.ServiceMatcher;
import io.scanopy.engine.discovery.NetworkMapper;
import io.scanopy.engine.docker.AnswerExcerpt;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.DockerEvent;
import io.scanopy.engine.docker.EventStream;
import io.scanopy.engine.docker.EventsRefusedException;
import io.scanopy.engine.docker.RawResponse;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.swarm.SwarmReader;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.SwarmCluster;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one target's part of the live inventory current. One thread owns every change to it,
 * in order: the first full discovery, the events (read by a second thread from
 * {@code GET /events} and queued), periodic resyncs, detection results and reconnections. An
 * event costs one inspection of what it names, never a re-list; a burst is coalesced; our own
 * exec probes ({@code exec_*} events) cost nothing. Where {@code /events} is denied the
 * container list is polled instead and only what differs is inspected.
 */
final class TargetWatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TargetWatcher.class);
    /** Container actions that change what the inventory shows; everything else (exec_*, top, attach, ...) is ignored. */
    static final Set<String> CONTAINER_ACTIONS = Set.of("create", "start", "restart", "stop", "die", "kill", "pause", "unpause",
            "rename", "update", "destroy", "health_status", "oom");
    /** Network actions the inventory follows. */
    static final Set<String> NETWORK_ACTIONS = Set.of("create", "destroy", "remove", "connect", "disconnect");
    /**
     * Latency is measured from the last event that names a container in a burst: a start comes
     * ~200 ms after its network connect, and Docker answers the inspection only once the start
     * is done, so the first event would count Docker's own work as ours.
     */
    private static final java.util.function.BinaryOperator<Instant> LATER = (a, b) -> b.isAfter(a) ? b : a;
    /** The longest a burst is held back, however busy the stream. */
    private static final Duration MAX_COALESCE = Duration.ofMillis(200);
    /** A stream that lived this long was healthy: reconnect at the first backoff step. */
    private static final Duration HEALTHY_STREAM = Duration.ofSeconds(30);
    /**
     * How often a Swarm manager's cluster is read again besides its events (as Traefik does): a
     * task's state changes on another node log no event here.
     */
    static final Duration SWARM_POLL = Duration.ofSeconds(15);
    /** The label Docker puts on a task's container: its events change the cluster's tasks too. */
    private static final String TASK_LABEL = "com.docker.swarm.task.id";

    private final TargetSpec target;
    private final String label;
    private final PluginRegistry plugins;
    private final DaemonOptions options;
    private final LiveInventory inventory;
    private final ServiceDetector detector;
    private final DaemonMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService detectionPool;
    private final Clock clock;
    private final BlockingQueue<Object> work = new LinkedBlockingQueue<>();
    private final Runnable onFirstSync;

    private volatile boolean stopping;
    /** Why the liveness check closed the current stream, for the health message; null when it did not. */
    private volatile String livenessFailure;
    private volatile Thread thread;
    private volatile EventStream stream;
    /** Read by the liveness check on the timer thread; everything else about the target is this watcher's thread's alone. */
    private volatile TargetSession session;
    private int failures;
    private Instant lastEventTime;
    private Instant lastConfirmed;
    private boolean synced;
    private boolean announced;
    private boolean derivedNetworks;
    /** Whether the target is a Swarm manager whose cluster is read (set at each negotiation; the poll timer reads it). */
    private volatile boolean swarmManager;
    private String execDenial;
    /** Starts ({@link #startKey}) whose detection is under way: another event on the same start must not probe it again. */
    private final Set<String> detecting = new java.util.HashSet<>();
    /**
     * Starts whose detection is done, found or not. A result the detector does not cache (a
     * probe limited by no shell or no client) must not make every resync probe again.
     */
    private final Set<String> detected = new java.util.HashSet<>();

    /** Work items besides events. */
    private enum Signal { RESYNC, SWARM }

    /** The end of one stream; a late one from a stream already replaced is ignored. */
    private record StreamEnd(EventStream stream, Throwable cause) {
    }

    /** A detection's results; {@code probed} names the starts it covered, found or not. */
    private record Detected(List<Container> containers, List<Note> notes, Set<String> probed, Set<String> settled) {
    }

    TargetWatcher(TargetSpec target, PluginRegistry plugins, DaemonOptions options, LiveInventory inventory, ServiceDetector detector,
                  DaemonMetrics metrics, ScheduledExecutorService scheduler, ExecutorService detectionPool, Clock clock, Runnable onFirstSync) {
        this.target = target;
        this.label = target.label();
        this.plugins = plugins;
        this.options = options;
        this.inventory = inventory;
        this.detector = detector;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.detectionPool = detectionPool;
        this.clock = clock;
        this.onFirstSync = onFirstSync;
        inventory.register(label);
    }

    String label() {
        return label;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Duration backoff = options.initialBackoff();
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        if (!options.resyncInterval().isZero()) {
            long every = options.resyncInterval().toMillis();
            timers.add(scheduler.scheduleAtFixedRate(() -> work.offer(Signal.RESYNC), every, every, TimeUnit.MILLISECONDS));
        }
        timers.add(scheduler.scheduleAtFixedRate(() -> {
            if (swarmManager) {
                work.offer(Signal.SWARM);
            }
        }, SWARM_POLL.toMillis(), SWARM_POLL.toMillis(), TimeUnit.MILLISECONDS));
        try {
            while (!stopping) {
                Instant connectedAt = null;
                try {
                    if (session == null) {
                        session = TargetSession.open(target, plugins, options.discovery().targetTimeout(), null);
                    }
                    Negotiated negotiated = session.negotiate(options.discovery().wantExec());
                    session.requireList(negotiated.report());
                    execDenial = TargetSession.execDenial(negotiated.report());
                    swarmManager = SwarmReader.applies(negotiated.report(), negotiated.info());
                    Check events = negotiated.report().check(DockerEndpoint.EVENTS);
                    String pollingBecause = events != null && events.status() == Status.DENIED
                            ? "GET /events denied by the " + events.deniedBy() + " (HTTP " + events.httpStatus() + ")" + ". To follow events: " + events.remediation()
                            : null;
                    if (pollingBecause == null) {
                        try {
                            // The stream first, then the list: nothing that happens in between is lost.
                            openStream();
                        } catch (EventsRefusedException e) {
                            // A plugin that does not declare /events was not asked about it: its refusal shows only now.
                            pollingBecause = "GET /events answered HTTP " + e.answer().status() + " (the plugin " + session.plugin().id() + " does not declare it)";
                        }
                    }
                    if (pollingBecause == null) {
                        connectedAt = clock.instant();
                        sync(synced ? Resync.DIFF : Resync.FULL, negotiated.report());
                        inventory.setState(label, TargetHealth.State.CONNECTED, null);
                        announceReady();
                        log.info("{} ready: {}; following events", label, readyLine(negotiated.report()));
                        failures = 0;
                        // The backoff is reset only by a stream that stays up (below): one that dies at once must not reconnect in a tight loop.
                        followEvents(negotiated.report());
                    } else {
                        String why = "polling the container list every " + options.pollInterval().toSeconds() + " s: " + pollingBecause;
                        sync(synced ? Resync.DIFF : Resync.FULL, negotiated.report());
                        inventory.setState(label, TargetHealth.State.POLLING, why);
                        announceReady();
                        log.info("{} ready: {}; {}", label, readyLine(negotiated.report()), why);
                        failures = 0;
                        backoff = options.initialBackoff();
                        poll(negotiated.report());
                    }
                } catch (DockerAccessException | StreamLost e) {
                    if (stopping) {
                        break;
                    }
                    closeStream();
                    boolean permanent = e instanceof DockerAccessException dae
                            && (dae.kind() == DockerAccessException.Kind.CONFIGURATION || dae.kind() == DockerAccessException.Kind.DENIED);
                    failures++;
                    // A cut stream usually reconnects at once: stale marks (and a change per container) only once the target is really away.
                    if (synced && lastConfirmed != null && (e instanceof DockerAccessException || failures > 1)) {
                        inventory.markStale(label, lastConfirmed);
                    }
                    boolean routineCut = connectedAt != null && Duration.between(connectedAt, clock.instant()).compareTo(HEALTHY_STREAM) > 0;
                    if (routineCut) {
                        backoff = options.initialBackoff();
                    }
                    Duration wait = permanent ? options.maxBackoff() : jitter(backoff);
                    inventory.setState(label, permanent ? TargetHealth.State.FAILED : TargetHealth.State.RECONNECTING,
                            e.getMessage() + " — retrying in " + (wait.toMillis() < 1000 ? wait.toMillis() + " ms" : wait.toSeconds() + " s"));
                    if (routineCut) {
                        // A proxy's idle timeout cuts a healthy stream now and then: worth a line, not a warning.
                        log.info("{}: {} — reconnecting in {} ms", label, e.getMessage(), wait.toMillis());
                    } else {
                        log.warn("{}: {} — retrying in {} ms", label, e.getMessage(), wait.toMillis());
                    }
                    metrics.reconnect(label);
                    if (session != null && (permanent || !synced)) {
                        session.close();
                        session = null;
                    }
                    backoff = doubled(backoff);
                    sleep(wait);
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    log.warn("{}: unexpected failure ({}); reconnecting", label, e.toString());
                    log.debug("{}: unexpected failure", label, e);
                    closeStream();
                    inventory.setState(label, TargetHealth.State.RECONNECTING, "unexpected failure: " + e);
                    sleep(jitter(backoff));
                    backoff = doubled(backoff);
                }
            }
        } finally {
            timers.forEach(t -> t.cancel(false));
            closeStream();
            if (session != null) {
                session.close();
            }
        }
    }

    /** Tells the daemon, once, that this target is in the inventory and followed. */
    private void announceReady() {
        if (!announced) {
            announced = true;
            onFirstSync.run();
        }
    }

    /** Stops the watcher; an exec probe in flight is abandoned (it ends by its own timeout in the container). */
    void stop() {
        stopping = true;
        closeStream();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Plugin, engine (product and version), API version, address, containers (and the filter they match) and what is degraded: the one line an operator needs per target. */
    private String readyLine(CapabilityReport report) {
        io.scanopy.spi.inventory.DockerEngine engine = session.describeEngine(List.of(), List.of(), List.of());
        List<String> degraded = new ArrayList<>();
        for (Check c : report.checks()) {
            if (c.status() == Status.DENIED) {
                degraded.add(c.capability() + " (HTTP " + c.httpStatus() + " from the " + c.deniedBy() + ": " + c.fallback().effect() + ")");
            }
        }
        return "plugin " + session.plugin().id() + ", engine " + (engine.name() == null ? engine.id() : engine.name())
                + (engine.productLabel() == null ? "" : " (" + engine.productLabel() + ")")
                + ", API " + (engine.apiVersion() == null ? "unversioned" : "v" + engine.apiVersion())
                + ", address " + session.docker().transport().describe()
                + ", " + inventory.containerIds(label).size() + " containers"
                + (options.discovery().filter().isEmpty() ? "" : " matching --filter " + options.discovery().filter()) + ", "
                + (degraded.isEmpty() ? "nothing degraded" : "degraded: " + String.join("; ", degraded));
    }

    /** The next backoff step: twice the last, at most the configured maximum. */
    private Duration doubled(Duration backoff) {
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : next;
    }

    private static Duration jitter(Duration base) {
        // ±20%: many daemons behind one restarted proxy do not come back in step.
        double factor = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (base.toMillis() * factor)));
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Thrown when the event stream or the connection behind it is lost. */
    private static final class StreamLost extends Exception {
        private static final long serialVersionUID = 1L;

        StreamLost(String message) {
            super(message);
        }
    }

    private void openStream() throws DockerAccessException {
        // Events of the old stream go (the new one replays them with since=); detection results stay, and so do their starts in flight.
        work.removeIf(item -> !(item instanceof Detected));
        EventStream opened = session.docker().events(lastEventTime, swarmManager);
        stream = opened;
        Thread reader = new Thread(() -> readEvents(opened), "events-" + label);
        reader.setDaemon(true);
        reader.start();
    }

    private void readEvents(EventStream opened) {
        try {
            DockerEvent event;
            while ((event = opened.next()) != null) {
                work.offer(event);
            }
            work.offer(new StreamEnd(opened, null));
        } catch (IOException | RuntimeException e) {
            work.offer(new StreamEnd(opened, e));
        }
    }

    private void closeStream() {
        EventStream open = stream;
        stream = null;
        if (open != null) {
            open.close();
        }
    }

    private void followEvents(CapabilityReport report) throws StreamLost, DockerAccessException {
        ScheduledFuture<?> liveness = scheduler.scheduleAtFixedRate(this::checkLiveness, options.livenessInterval().toMillis(),
                options.livenessInterval().toMillis(), TimeUnit.MILLISECONDS);
        try {
            while (!stopping) {
                List<Object> batch = nextBatch(null);
                if (batch == null) {
                    return;
                }
                apply(batch, report);
            }
        } finally {
            liveness.cancel(false);
        }
    }

    private void poll(CapabilityReport report) throws DockerAccessException, StreamLost {
        // Kept by the clock, not by quiet: the cluster's 15 s signal and detection results must not put the list off.
        Instant nextPoll = clock.instant().plus(options.pollInterval());
        while (!stopping) {
            Duration untilPoll = Duration.between(clock.instant(), nextPoll);
            List<Object> batch = nextBatch(untilPoll.isNegative() ? Duration.ZERO : untilPoll);
            if (batch == null) {
                return;
            }
            boolean full = batch.contains(Signal.RESYNC);
            apply(batch, report);
            if (full || !clock.instant().isBefore(nextPoll)) {
                sync(full ? Resync.FULL : Resync.POLL, report);
                nextPoll = clock.instant().plus(options.pollInterval());
            }
        }
    }

    /**
     * A liveness check on the target: when it fails, the stream is closed and the watcher
     * reconnects. An open event stream has no read deadline (Docker is silent while nothing
     * happens), so silence alone proves nothing; this check does, within the target timeout: a
     * {@code GET /_ping} answered {@code OK}, then an events window that has already ended, which
     * a live engine answers at once through the same path as the stream (a proxy that answers
     * pings but holds everything else fails here). It runs on the target's own threads, so a hung
     * target holds up nobody else's timer.
     */
    private void checkLiveness() {
        TargetSession current = session;
        EventStream open = stream;
        if (current == null || open == null) {
            return;
        }
        current.submit(() -> {
            try {
                DockerConnection docker = current.docker();
                RawResponse ping = docker.send("GET", docker.path(DockerEndpoint.PING, null), null);
                if (!ping.ok() || !ping.body().strip().equals("OK")) {
                    throw new DockerAccessException(DockerAccessException.Kind.NOT_DOCKER, "GET /_ping answered HTTP " + ping.status() + " "
                            + AnswerExcerpt.of(ping.body()) + ", not Docker's OK", null);
                }
                long second = Instant.now().getEpochSecond() - 2;
                RawResponse window = docker.send("GET", docker.path(DockerEndpoint.EVENTS, null) + "?since=" + second + "&until=" + (second + 1)
                        + "&filters=" + URLEncoder.encode("{\"type\":[\"container\",\"network\"]}", StandardCharsets.UTF_8), null);
                if (!window.ok()) {
                    throw new DockerAccessException(DockerAccessException.Kind.OTHER, "an ended events window answered HTTP " + window.status(), null);
                }
            } catch (DockerAccessException e) {
                log.info("{}: liveness check failed ({}); reconnecting", label, e.getMessage());
                livenessFailure = e.getMessage();
                // Closed but left in place: its reader then reports the end of the current stream.
                open.close();
            }
            return null;
        });
    }

    /**
     * Waits for work, then collects what follows within the coalescing window.
     *
     * @param timeout how long to wait for the first item, or null for as long as it takes
     * @return the batch (empty when the timeout passed), or null when stopping
     */
    private List<Object> nextBatch(Duration timeout) throws StreamLost {
        List<Object> batch = new ArrayList<>();
        try {
            Object first = timeout == null ? work.take() : work.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                return batch;
            }
            batch.add(first);
            long hardLimit = System.nanoTime() + MAX_COALESCE.toNanos();
            Object next;
            while (System.nanoTime() < hardLimit && (next = work.poll(options.coalesceWindow().toNanos(), TimeUnit.NANOSECONDS)) != null) {
                batch.add(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return null;
        }
        for (Object item : batch) {
            if (item instanceof StreamEnd end && end.stream() == stream) {
                // Detection results outlive the stream: back in the queue for after the reconnect.
                batch.stream().filter(Detected.class::isInstance).forEach(work::offer);
                String silent = livenessFailure;
                livenessFailure = null;
                throw new StreamLost(silent != null ? "the event stream was closed: the liveness check failed (" + silent + ")"
                        : end.cause() == null ? "the event stream ended (proxy or Docker restarted, or a proxy timeout)"
                        : "the event stream broke (" + end.cause().getMessage() + ")");
            }
        }
        batch.removeIf(item -> item instanceof StreamEnd);
        return batch;
    }

    private void apply(List<Object> batch, CapabilityReport report) throws DockerAccessException {
        Map<String, Instant> containers = new LinkedHashMap<>();
        Set<String> destroyed = new java.util.HashSet<>();
        Map<String, Instant> networks = new LinkedHashMap<>();
        Set<String> destroyedNetworks = new java.util.HashSet<>();
        // Containers connected to a network the event did not name (Podman): their networks are read after them.
        Set<String> connectedToUnnamed = new java.util.HashSet<>();
        boolean resync = false;
        boolean clusterChanged = false;
        for (Object item : batch) {
            if (item == Signal.RESYNC) {
                resync = true;
            } else if (item == Signal.SWARM) {
                clusterChanged = true;
            } else if (item instanceof Detected detected) {
                applyDetection(detected);
            } else if (item instanceof DockerEvent event) {
                lastEventTime = event.time();
                String verb = event.verb();
                if (event.type().equals("service") || event.type().equals("node")) {
                    inventory.eventReceived(label, clock.instant());
                    metrics.eventReceived(label);
                    clusterChanged = true;
                } else if (event.type().equals("container") && CONTAINER_ACTIONS.contains(verb)) {
                    // A task's container started or ended on this node: its task's state changed with it.
                    clusterChanged |= event.attributes().containsKey(TASK_LABEL);
                    inventory.eventReceived(label, clock.instant());
                    metrics.eventReceived(label);
                    containers.merge(event.actorId(), event.time(), LATER);
                    if (verb.equals("destroy")) {
                        destroyed.add(event.actorId());
                    }
                } else if (event.type().equals("network") && NETWORK_ACTIONS.contains(verb)) {
                    inventory.eventReceived(label, clock.instant());
                    metrics.eventReceived(label);
                    String container = event.attributes().get("container");
                    if (container != null && (verb.equals("connect") || verb.equals("disconnect"))) {
                        containers.merge(container, event.time(), LATER);
                    }
                    if (!event.actorId().isEmpty()) {
                        networks.merge(event.actorId(), event.time(), LATER);
                    } else if (container != null && verb.equals("connect")) {
                        // Podman names no network (see EventStream) and logs no network create: all are read after the container.
                        connectedToUnnamed.add(container);
                    }
                    if (verb.equals("destroy") || verb.equals("remove")) {
                        destroyedNetworks.add(event.actorId());
                    }
                }
                // Anything else (our own exec_create/exec_start/exec_die, top, attach, ...) costs nothing.
            }
        }
        if (resync && stream != null) {
            sync(Resync.FULL, report);
            return;
        }
        if (!containers.isEmpty() || !networks.isEmpty()) {
            applyChanges(containers, destroyed, networks, destroyedNetworks, connectedToUnnamed, report);
        }
        if (clusterChanged && swarmManager) {
            // After the containers: a task is linked to its container only once the container is known.
            refreshSwarm(report);
        }
    }

    private void applyChanges(Map<String, Instant> containers, Set<String> destroyed, Map<String, Instant> networks, Set<String> destroyedNetworks,
                              Set<String> connectedToUnnamed, CapabilityReport report) throws DockerAccessException {
        // A destroyed container leaves at once; the others are inspected, all at once.
        for (String id : destroyed) {
            inventory.removeContainer(label, id);
            forgetStarts(id);
            metrics.eventApplied(Duration.between(containers.get(id), clock.instant()));
            containers.remove(id);
        }
        List<Container> toDetect = new ArrayList<>();
        for (Map.Entry<String, Optional<Container>> found : refresh(containers.keySet(), report).entrySet()) {
            String id = found.getKey();
            if (found.getValue() == null) {
                continue;
            }
            if (found.getValue().isEmpty() || !wanted(found.getValue().get())) {
                inventory.removeContainer(label, id);
            } else {
                Container c = withKnownServices(found.getValue().get());
                inventory.putContainer(label, c);
                if (needsDetection(c)) {
                    toDetect.add(c);
                }
            }
            metrics.eventApplied(Duration.between(containers.get(id), clock.instant()));
        }
        if (derivedNetworks) {
            inventory.replaceNetworks(label, NetworkMapper.deriveFrom(inventory.containers(label)));
        } else if (!connectedToUnnamed.isEmpty()) {
            readAllNetworks();
        } else if (!networks.isEmpty()) {
            refreshNetworks(networks.keySet(), destroyedNetworks);
        }
        lastConfirmed = clock.instant();
        countContainers();
        detect(toDetect);
    }

    /**
     * Reads the Swarm cluster again (three lists), linked to the containers known now. A failure
     * keeps the cluster as it was until the next read.
     */
    private void refreshSwarm(CapabilityReport report) {
        Negotiated negotiated = session.negotiated().orElse(null);
        if (negotiated == null) {
            return;
        }
        List<Note> failures = new ArrayList<>();
        Optional<SwarmCluster> cluster = SwarmReader.read(session.docker(), report, negotiated.info(), inventory.containers(label),
                inventory.networks(label), failures);
        if (!failures.isEmpty()) {
            failures.forEach(n -> log.warn("{}: {}", label, n.message()));
            return;
        }
        inventory.replaceSwarm(label, cluster.orElse(null));
        metrics.resync(label, "swarm");
    }

    /**
     * The containers an event named, as they are now: each inspected (all at once) where
     * inspect is allowed, else one list filtered to them. Empty: gone, or outside
     * {@code --filter} (the engine says which match, with one list beside the inspections, as
     * its events cannot: they know no name or network filter for containers). Null: this one
     * could not be read (a proxy refused it, say) — its record stays as it was, and the next
     * resync tries again; only a lost connection ends the stream.
     */
    private Map<String, Optional<Container>> refresh(Set<String> ids, CapabilityReport report) throws DockerAccessException {
        Map<String, Optional<Container>> result = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return result;
        }
        ContainerFilter filter = options.discovery().filter();
        if (!report.allows(DockerEndpoint.INSPECT_CONTAINER)) {
            Map<String, Container> listed = new HashMap<>();
            session.docker().listContainers(ids, filter).forEach(c -> listed.put(c.id(), c));
            ids.forEach(id -> result.put(id, Optional.ofNullable(listed.get(id))));
            return result;
        }
        Future<List<Container>> matching = filter.isEmpty() ? null : session.submit(() -> session.docker().listContainers(ids, filter));
        Map<String, Future<Optional<Container>>> inspections = new LinkedHashMap<>();
        for (String id : ids) {
            inspections.put(id, session.submit(() -> session.docker().inspectContainer(id)));
        }
        Set<String> matched = null;
        if (matching != null) {
            try {
                matched = new java.util.HashSet<>();
                for (Container c : session.await(matching)) {
                    matched.add(c.id());
                }
            } catch (DockerAccessException e) {
                if (connectionLost(e)) {
                    throw e;
                }
                log.warn("{}: listing containers {} through --filter failed ({}); their records stay as they were until the next resync", label, ids, e.getMessage());
                ids.forEach(id -> result.put(id, null));
                return result;
            }
        }
        for (Map.Entry<String, Future<Optional<Container>>> entry : inspections.entrySet()) {
            if (matched != null && !matched.contains(entry.getKey())) {
                entry.getValue().cancel(true);
                result.put(entry.getKey(), Optional.empty());
                continue;
            }
            try {
                result.put(entry.getKey(), session.await(entry.getValue()));
            } catch (DockerAccessException e) {
                if (connectionLost(e)) {
                    throw e;
                }
                log.warn("{}: inspecting container {} failed ({}); its record stays as it was until the next resync", label, entry.getKey(), e.getMessage());
                result.put(entry.getKey(), null);
            }
        }
        return result;
    }

    /**
     * Every network, with one list: after a Podman connect, which names no network, to a network
     * that may be new (Podman logs no network create).
     */
    private void readAllNetworks() throws DockerAccessException {
        try {
            inventory.replaceNetworks(label, session.docker().listNetworks());
        } catch (DockerAccessException e) {
            if (connectionLost(e)) {
                throw e;
            }
            log.warn("{}: reading networks failed ({}); they stay as they were until the next resync", label, e.getMessage());
        }
    }

    /** Networks named by events: destroyed ones leave, the others are read with one filtered list. */
    private void refreshNetworks(Set<String> ids, Set<String> destroyedNetworks) throws DockerAccessException {
        destroyedNetworks.forEach(id -> inventory.removeNetwork(label, id));
        Set<String> others = new java.util.LinkedHashSet<>(ids);
        others.removeAll(destroyedNetworks);
        if (others.isEmpty()) {
            return;
        }
        try {
            Map<String, Network> found = new HashMap<>();
            session.docker().listNetworks(others).forEach(n -> found.put(n.id(), n));
            for (String id : others) {
                if (found.containsKey(id)) {
                    inventory.putNetwork(label, found.get(id));
                } else {
                    inventory.removeNetwork(label, id);
                }
            }
        } catch (DockerAccessException e) {
            if (connectionLost(e)) {
                throw e;
            }
            log.warn("{}: reading networks {} failed ({}); they stay as they were until the next resync", label, others, e.getMessage());
        }
    }

    /** The target itself is gone (not one request refused): the stream must be reopened. */
    private static boolean connectionLost(DockerAccessException e) {
        return switch (e.kind()) {
            case SOCKET_MISSING, NOT_A_SOCKET, PERMISSION_DENIED, CONNECTION_REFUSED, HOST_NOT_FOUND, TIMEOUT, TLS -> true;
            default -> false;
        };
    }

    /** Running containers only, unless stopped ones were asked for; never one hidden by its label. */
    private boolean wanted(Container c) {
        return (options.discovery().includeStopped() || "running".equals(c.state())) && !ServiceMatcher.ignored(c);
    }

    /** How a resync goes: inspect everything, or only what the list shows has changed. */
    private enum Resync { FULL, DIFF, POLL }

    private void sync(Resync kind, CapabilityReport report) throws DockerAccessException {
        List<Note> notes = new ArrayList<>(TargetSession.degradations(report));
        List<Container> listed = session.docker().listContainers(options.discovery().includeStopped(), options.discovery().filter());
        Map<String, Container> known = new HashMap<>();
        inventory.containers(label).forEach(c -> known.put(c.id(), c));
        Map<String, Future<Optional<Container>>> inspections = new LinkedHashMap<>();
        List<Container> containers = new ArrayList<>();
        for (Container l : listed) {
            Container k = known.get(l.id());
            if (!report.allows(DockerEndpoint.INSPECT_CONTAINER)) {
                containers.add(l);
            } else if (kind == Resync.FULL || k == null || changed(l, k)) {
                inspections.put(l.id(), session.submit(() -> session.docker().inspectContainer(l.id())));
            } else {
                containers.add(new Container(k.id(), k.names(), k.image(), k.imageId(), k.state(), k.status(), k.created(), k.started(), k.labels(),
                        k.compose(), k.command(), k.ports(), k.networks(), k.services(), k.detail()));
            }
        }
        for (Map.Entry<String, Future<Optional<Container>>> entry : inspections.entrySet()) {
            session.await(entry.getValue()).ifPresent(containers::add);
        }
        List<Container> visible = new ArrayList<>();
        List<Container> toDetect = new ArrayList<>();
        List<Container> hidden = new ArrayList<>();
        for (Container c : containers) {
            if (ServiceMatcher.ignored(c)) {
                hidden.add(c);
            } else {
                Container withServices = withKnownServices(c);
                visible.add(withServices);
                if (needsDetection(withServices)) {
                    toDetect.add(withServices);
                }
            }
        }
        Set<String> stillThere = new java.util.HashSet<>();
        visible.forEach(c -> stillThere.add(c.id()));
        known.keySet().stream().filter(id -> !stillThere.contains(id)).forEach(this::forgetStarts);
        derivedNetworks = !report.allows(DockerEndpoint.LIST_NETWORKS);
        List<Network> networks = session.networks(report, visible, notes);
        // Named at each resync; one started with the label between resyncs is hidden without a note until the next.
        ServiceMatcher.hiddenNote(hidden).ifPresent(notes::add);
        SwarmCluster swarm = SwarmReader.read(session.docker(), report, session.negotiated().map(Negotiated::info).orElse(null), visible, networks, notes)
                .orElse(null);
        inventory.replaceAll(label, session.describeEngine(visible, networks, notes, swarm));
        metrics.resync(label, kind.name().toLowerCase(java.util.Locale.ROOT));
        lastConfirmed = clock.instant();
        countContainers();
        synced = true;
        detect(toDetect);
    }

    /**
     * What the list shows differs from what is known: state, names, image, or network
     * addresses. A stale record the list confirms is taken back as it is (its stale mark goes);
     * what the list cannot show (a restart in between) comes from the replayed events, or the
     * periodic full resync.
     */
    private static boolean changed(Container listed, Container known) {
        return !Objects.equals(listed.state(), known.state()) || !listed.names().equals(known.names())
                || !Objects.equals(listed.imageId(), known.imageId()) || !addresses(listed).equals(addresses(known));
    }

    private static Map<String, String> addresses(Container c) {
        Map<String, String> result = new TreeMap<>();
        for (NetworkAttachment a : c.networks()) {
            result.put(a.networkName(), Objects.requireNonNullElse(a.ipAddress(), ""));
        }
        return result;
    }

    /** The services found before, when the container is the same one (same start and image), so nothing churns or is probed again. */
    private Container withKnownServices(Container c) {
        if (detector == null) {
            return c;
        }
        Optional<List<DetectedService>> cached = detector.cached(c);
        if (cached.isPresent()) {
            return c.withServices(cached.get());
        }
        Optional<Container> known = inventory.container(label, c.id());
        if (known.isPresent() && c.started() != null && c.started().equals(known.get().started()) && Objects.equals(c.imageId(), known.get().imageId())) {
            return c.withServices(known.get().services());
        }
        return c;
    }

    private boolean needsDetection(Container c) {
        return detector != null && options.discovery().detection() != null && c.services().isEmpty() && "running".equals(c.state())
                && detector.cached(c).isEmpty() && !detecting.contains(startKey(c)) && !detected.contains(startKey(c));
    }

    /** A container is gone: what was detected for it goes too. */
    private void forgetStarts(String containerId) {
        if (detector != null) {
            detector.forget(containerId);
        }
        detected.removeIf(key -> key.startsWith(containerId + "@"));
        inventory.forgetDetectionNotes(label, containerId);
    }

    /** One start of one container: what a probe's result belongs to. */
    private static String startKey(Container c) {
        return c.id() + "@" + c.started() + "@" + c.imageId();
    }

    /** Detection runs beside the watcher (it may take seconds); its results come back through the work queue, in order with everything else. */
    private void detect(List<Container> containers) {
        if (containers.isEmpty() || detector == null || options.discovery().detection() == null) {
            return;
        }
        TargetSession current = session;
        String denial = execDenial;
        Set<String> probed = new java.util.HashSet<>();
        containers.forEach(c -> probed.add(startKey(c)));
        detecting.addAll(probed);
        detectionPool.execute(() -> {
            if (stopping) {
                return;
            }
            try {
                ServiceDetector.Outcome outcome = detector.detect(current.docker(), containers, options.discovery().detection(), denial);
                Set<String> settled = new java.util.HashSet<>();
                containers.stream().filter(c -> !outcome.unsettled().contains(c.id())).forEach(c -> settled.add(startKey(c)));
                work.offer(new Detected(outcome.containers(), outcome.notes(), probed, settled));
            } catch (RuntimeException e) {
                log.warn("{}: service detection failed ({}); the next event or resync tries again", label, e.toString());
                work.offer(new Detected(List.of(), List.of(), probed, Set.of()));
            }
        });
    }

    private void applyDetection(Detected result) {
        detecting.removeAll(result.probed());
        // Only starts really probed (or conclusive without a probe): one cut by the deadline or whose exec did not run is tried again.
        detected.addAll(result.settled());
        // A deadline note names what this run left unprobed, and those are tried again: not worth keeping.
        inventory.putDetectionNotes(label, result.notes().stream().filter(n -> !n.code().equals("detection-partial")).toList());
        for (Container c : result.containers()) {
            Optional<Container> known = inventory.container(label, c.id());
            // Only onto the same container: a newer start has its own detection coming.
            if (known.isPresent() && Objects.equals(known.get().started(), c.started()) && Objects.equals(known.get().imageId(), c.imageId())) {
                inventory.putContainer(label, known.get().withServices(c.services()));
            }
        }
    }

    private void countContainers() {
        Map<String, Integer> byState = new TreeMap<>();
        for (Container c : inventory.containers(label)) {
            byState.merge(c.stale() != null ? "stale" : Objects.requireNonNullElse(c.state(), "unknown"), 1, Integer::sum);
        }
        metrics.containers(label, byState);
    }
}
