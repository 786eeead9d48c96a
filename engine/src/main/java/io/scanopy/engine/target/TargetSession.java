package io.scanopy.engine.target;

import io.scanopy.engine.concurrent.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import io.scanopy.engine.capability.CapabilityNegotiator;
import io.scanopy.engine.capability.CapabilityNegotiator.Negotiated;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.NetworkMapper;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.EngineProduct;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.SwarmCluster;
import io.scanopy.engine.swarm.SwarmReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured target, opened once: the plugin that serves it (chosen in one explicit step,
 * {@link PluginSelection}), the transport it built, the connection pool to its Docker API, the
 * negotiated API version and capability report, and the threads its requests run on. One-shot
 * discovery, {@code doctor}, the daemon and the benchmark all work through it.
 */
public final class TargetSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TargetSession.class);
    /** Containers by name, then id: the inventory's order. */
    public static final Comparator<Container> CONTAINER_ORDER = Comparator.comparing(Container::displayName).thenComparing(Container::id);
    /** Requests in flight per target: capability checks and inspections share them. */
    private static final int THREADS = 8;

    private final TargetSpec target;
    private final PluginSelection.Selected selected;
    private final DockerConnection docker;
    private final ExecutorService executor;
    private volatile Negotiated negotiated;
    /** Whether the selection's flavour probe answer still describes the proxy (until the first negotiation). */
    private boolean selectionProbeCurrent = true;

    private TargetSession(TargetSpec target, PluginSelection.Selected selected, DockerConnection docker) {
        this.target = target;
        this.selected = selected;
        this.docker = docker;
        this.executor = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("target"));
    }

    /**
     * Opens a target: chooses its plugin, builds the transport and connects (the flavour probe
     * is the only request sent here).
     *
     * @param target the target
     * @param plugins the loaded plugins
     * @return the open session (close it)
     * @throws DockerAccessException when no plugin serves the target, its settings are unusable or it cannot be reached
     */
    public static TargetSession open(TargetSpec target, PluginRegistry plugins) throws DockerAccessException {
        return open(target, plugins, DockerConnection.DEFAULT_TIMEOUT, null);
    }

    /**
     * Opens a target: chooses its plugin, builds the transport and connects (the flavour probe
     * is the only request sent here).
     *
     * @param target the target
     * @param plugins the loaded plugins
     * @param timeout the time one request may take in all (the target timeout)
     * @param finishBy when every request on the target must be over (a one-shot discovery, {@code doctor}), or null (the daemon)
     * @return the open session (close it)
     * @throws DockerAccessException when no plugin serves the target, its settings are unusable or it cannot be reached
     */
    public static TargetSession open(TargetSpec target, PluginRegistry plugins, java.time.Duration timeout, java.time.Instant finishBy) throws DockerAccessException {
        PluginSelection.ByScore byScore = PluginSelection.byScore(target, plugins);
        DockerConnection docker = DockerConnection.open(byScore.transport(), timeout);
        docker.finishBy(finishBy);
        try {
            return new TargetSession(target, PluginSelection.recognise(target, byScore, docker, plugins), docker);
        } catch (DockerAccessException | RuntimeException e) {
            docker.close();
            throw e;
        }
    }

    /**
     * Checks a target's settings without sending anything: a plugin serves it, its transport
     * can be built, its TLS files are usable. The daemon checks every target this way before it
     * starts, so a mistake in the settings is one line at start-up, not a retry loop.
     *
     * @param target the target
     * @param plugins the loaded plugins
     * @throws DockerAccessException with kind {@link Kind#CONFIGURATION} when the settings are unusable
     *     (other kinds, such as a socket not there yet, are left to the connection)
     */
    public static void checkSettings(TargetSpec target, PluginRegistry plugins) throws DockerAccessException {
        PluginSelection.ByScore byScore = PluginSelection.byScore(target, plugins);
        try {
            DockerConnection.open(byScore.transport()).close();
        } catch (DockerAccessException e) {
            if (e.kind() == Kind.CONFIGURATION) {
                throw e;
            }
        }
    }

    /**
     * @return the target
     */
    public TargetSpec target() {
        return target;
    }

    /**
     * @return the plugin serving the target
     */
    public LoadedPlugin plugin() {
        return selected.plugin();
    }

    /**
     * @return how the plugin was chosen, one line each
     */
    public List<String> selectionReasons() {
        return selected.reasons();
    }

    /**
     * @return the Docker API of this target
     */
    public DockerConnection docker() {
        return docker;
    }

    /**
     * Runs a request on this target's threads.
     *
     * @param request the request
     * @param <T> what it returns
     * @return its future
     */
    public <T> Future<T> submit(Callable<T> request) {
        return executor.submit(request);
    }

    /**
     * @return the last negotiation, or empty before the first
     */
    public Optional<Negotiated> negotiated() {
        return Optional.ofNullable(negotiated);
    }

    /**
     * Settles the API version and checks every endpoint the plugin declares (again, when called
     * again: after a reconnect the proxy may allow something else).
     *
     * @param checkExec whether the exec endpoints are worth checking
     * @return the report and the handshake answers
     * @throws DockerAccessException when the target cannot be reached
     */
    public Negotiated negotiate(boolean checkExec) throws DockerAccessException {
        return negotiate(checkExec, () -> { });
    }

    private Negotiated negotiate(boolean checkExec, Runnable afterHandshake) throws DockerAccessException {
        // A later negotiation (after a reconnect) may meet a proxy set up differently: learn the connection anew.
        Denial known;
        synchronized (this) {
            known = selectionProbeCurrent ? selected.probe() : null;
            selectionProbeCurrent = false;
        }
        Negotiated result = CapabilityNegotiator.negotiate(docker, plugin().plugin(), checkExec, executor, afterHandshake, new ConnectionFacts(known)::addTo);
        negotiated = result;
        return result;
    }

    /**
     * What one negotiation's denials are explained with: the flavour probe's answer (sent on the
     * first denial when selection did not send it, as with a forced flavour) and the address the
     * proxy sees this client at, each learnt at most once.
     */
    private final class ConnectionFacts {
        private Denial probe;
        private boolean probed;
        private Optional<String> clientAddress;

        ConnectionFacts(Denial probe) {
            this.probe = probe;
            this.probed = probe != null;
        }

        synchronized Denial addTo(Denial denial) {
            if (!probed) {
                probed = true;
                if (docker.transport() instanceof io.scanopy.spi.Transport.Tcp) {
                    try {
                        probe = PluginSelection.probe(docker);
                    } catch (DockerAccessException e) {
                        log.debug("The flavour probe failed on {}: {}", target.label(), e.getMessage());
                    }
                }
            }
            if (clientAddress == null) {
                clientAddress = ClientAddress.seenBy(docker.transport());
            }
            return denial.withConnection(probe, clientAddress.orElse(null));
        }
    }

    /**
     * Negotiates, then discovers the whole target.
     *
     * @param options how to discover
     * @param detector the service detector, or null for none
     * @return the engine behind the target, with what runs on it
     * @throws DockerAccessException when the target cannot be reached or containers cannot be listed
     */
    public DockerEngine discover(DiscoveryOptions options, ServiceDetector detector) throws DockerAccessException {
        // The list is needed whatever else is allowed: ask for it while the other endpoints are checked.
        AtomicReference<Future<List<Container>>> listing = new AtomicReference<>();
        Negotiated result = negotiate(options.wantExec(),
                () -> listing.set(executor.submit(() -> docker.listContainers(options.includeStopped(), options.filter()))));
        CapabilityReport report = result.report();
        try {
            requireList(report);
        } catch (DockerAccessException e) {
            if (listing.get() != null) {
                listing.get().cancel(true);
            }
            throw e;
        }
        List<Note> notes = new ArrayList<>(degradations(report));
        List<Container> listed = await(listing.get());
        List<Container> containers = new ArrayList<>(report.allows(DockerEndpoint.INSPECT_CONTAINER) ? inspectAll(listed, notes) : listed);
        containers.sort(CONTAINER_ORDER);
        List<Network> networks = networks(report, containers, notes);
        SwarmCluster swarm = SwarmReader.read(docker, report, result.info(), containers, networks, notes).orElse(null);
        // Service detection has a deadline of its own (--detection-deadline): the target's time is for reading its inventory.
        docker.finishBy(null);
        if (detector != null && options.detection() != null) {
            ServiceDetector.Outcome detected = detector.detect(docker, containers, options.detection(), execDenial(report));
            containers = detected.containers();
            notes.addAll(detected.notes());
        }
        log.debug("Discovered {} containers and {} networks on {}", containers.size(), networks.size(), target.label());
        return describeEngine(containers, networks, notes, swarm);
    }

    /**
     * Nothing can be discovered without the container list, nor from something that is not
     * Docker. {@code doctor}'s verdict asks the same question ({@link #cannotDiscover}), so the
     * two always agree.
     *
     * @param report the capability report
     * @throws DockerAccessException when the list is denied or not declared, with the fix, or when an endpoint answered as no Docker does
     */
    public void requireList(CapabilityReport report) throws DockerAccessException {
        Optional<DockerAccessException> blocker = blocker(report);
        if (blocker.isPresent()) {
            throw blocker.get();
        }
    }

    /**
     * Why discovery cannot work on this target, judged from a capability report: a required
     * endpoint not allowed, or an answer that is not Docker's.
     *
     * @param report the capability report
     * @return the one line saying why, or empty when discovery can work
     */
    public Optional<String> cannotDiscover(CapabilityReport report) {
        return blocker(report).map(Exception::getMessage);
    }

    private Optional<DockerAccessException> blocker(CapabilityReport report) {
        Check list = report.check(DockerEndpoint.LIST_CONTAINERS);
        if (list == null) {
            return Optional.of(new DockerAccessException(Kind.DENIED, "Cannot list containers on " + target.label() + " — the plugin " + plugin().id()
                    + " does not declare GET /containers/json", null));
        }
        for (Check check : report.checks()) {
            if (check.status() == Status.NOT_DOCKER) {
                return Optional.of(new DockerAccessException(Kind.NOT_DOCKER, "Not a Docker API at " + target.label() + ": " + check.remediation(), null));
            }
        }
        for (Check check : report.checks()) {
            boolean required = check.endpoint() == DockerEndpoint.LIST_CONTAINERS || plugin().plugin().endpoints().stream()
                    .anyMatch(r -> r.endpoint() == check.endpoint() && r.required());
            if (required && (check.status() == Status.DENIED || check.status() == Status.ERROR)) {
                String what = check.endpoint() == DockerEndpoint.LIST_CONTAINERS ? "list containers" : "use " + check.endpoint().method() + " " + check.endpoint().pathTemplate();
                return Optional.of(new DockerAccessException(check.status() == Status.DENIED ? Kind.DENIED : Kind.OTHER,
                        "Cannot " + what + " on " + target.label() + " — " + check.remediation(), null));
            }
        }
        return Optional.empty();
    }

    /**
     * Waits for a request made with {@link #submit}.
     *
     * @param future the request
     * @param <T> what it returns
     * @return its answer
     * @throws DockerAccessException when it failed, described for the user, or the wait was interrupted
     */
    public <T> T await(Future<T> future) throws DockerAccessException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DockerAccessException dae) {
                throw dae;
            }
            throw docker.describeFailure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerAccessException(Kind.OTHER, "discovery of " + target.label() + " was interrupted", e);
        }
    }

    /**
     * The networks: Docker's list where allowed, otherwise derived from the containers' addresses.
     *
     * @param report the capability report
     * @param containers the containers
     * @param notes where to note a failure
     * @return the networks, ordered
     */
    public List<Network> networks(CapabilityReport report, List<Container> containers, List<Note> notes) {
        if (report.allows(DockerEndpoint.LIST_NETWORKS)) {
            try {
                return docker.listNetworks();
            } catch (DockerAccessException e) {
                notes.add(new Note(Note.Level.WARNING, "networks-failed", DockerEndpoint.LIST_NETWORKS.capability(),
                        "Listing networks failed (" + e.getMessage() + "); subnets are derived from container addresses"));
            }
        }
        return NetworkMapper.deriveFrom(containers);
    }

    /**
     * Why exec cannot be used, from a capability report.
     *
     * @param report the report
     * @return the reason, or null when exec can be used
     */
    public static String execDenial(CapabilityReport report) {
        for (Check check : report.checks()) {
            if (check.endpoint().isExec() && check.status() == Status.DENIED) {
                return check.endpoint().method() + " " + check.endpoint().pathTemplate() + " denied by " + check.deniedBy() + " (HTTP " + check.httpStatus() + ")";
            }
            if (check.endpoint().isExec() && (check.status() == Status.ERROR || check.status() == Status.NOT_DOCKER)) {
                return check.endpoint().method() + " " + check.endpoint().pathTemplate() + " failed (HTTP " + check.httpStatus() + ")";
            }
        }
        return report.check(DockerEndpoint.EXEC_CREATE) == null ? "the plugin declares no exec endpoints" : null;
    }

    /**
     * One note per denied endpoint: what is lost and how to allow it.
     *
     * @param report the report
     * @return the notes
     */
    public static List<Note> degradations(CapabilityReport report) {
        List<Note> notes = new ArrayList<>();
        for (Check check : report.checks()) {
            if (check.status() == Status.DENIED) {
                notes.add(new Note(Note.Level.WARNING, "degraded", check.capability(),
                        check.endpoint().method() + " " + check.endpoint().pathTemplate() + " denied by " + check.deniedBy()
                                + " (HTTP " + check.httpStatus() + "): " + check.fallback().effect() + ". To allow it: " + check.remediation()));
            } else if (check.status() == Status.ERROR) {
                notes.add(new Note(Note.Level.WARNING, "degraded", check.capability(),
                        check.endpoint().method() + " " + check.endpoint().pathTemplate() + " failed: " + check.fallback().effect() + ". " + check.remediation()));
            }
        }
        return notes;
    }

    private List<Container> inspectAll(List<Container> listed, List<Note> notes) {
        List<Future<Optional<Container>>> futures = new ArrayList<>();
        for (Container c : listed) {
            futures.add(executor.submit(() -> docker.inspectContainer(c.id())));
        }
        List<Container> result = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            Container c = listed.get(i);
            try {
                Optional<Container> inspected = futures.get(i).get();
                if (inspected.isPresent()) {
                    result.add(inspected.get());
                } else {
                    // Removed between list and inspect: it no longer exists, so it is not inventory.
                    notes.add(new Note(Note.Level.INFO, "container-vanished", c.id(), "Container " + c.displayName()
                            + " was removed during discovery and is left out"));
                }
            } catch (ExecutionException e) {
                notes.add(new Note(Note.Level.WARNING, "inspect-failed", c.id(), "Inspecting " + c.displayName()
                        + " failed (" + e.getCause().getMessage() + "); it is described from the container list only"));
                result.add(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.add(c);
            }
        }
        return result;
    }

    /**
     * The engine as the last negotiation describes it, with the given content.
     *
     * @param containers its containers
     * @param networks its networks
     * @param notes its notes (one is added when the engine cannot be identified)
     * @return the engine
     */
    public DockerEngine describeEngine(List<Container> containers, List<Network> networks, List<Note> notes) {
        return describeEngine(containers, networks, notes, null);
    }

    /**
     * The engine as the last negotiation describes it, with the given content and Swarm cluster.
     *
     * @param containers its containers
     * @param networks its networks
     * @param notes its notes (one is added when the engine cannot be identified)
     * @param swarm the cluster it manages, or null
     * @return the engine
     */
    public DockerEngine describeEngine(List<Container> containers, List<Network> networks, List<Note> notes, SwarmCluster swarm) {
        Negotiated result = negotiated;
        JsonNode info = result == null ? null : result.info();
        JsonNode version = result == null ? null : result.version();
        List<Note> all = new ArrayList<>(notes);
        String id = engineId();
        if (id.startsWith("unidentified:")) {
            all.add(new Note(Note.Level.INFO, "engine-unidentified", "info",
                    "GET /info is not allowed, so this engine is identified by its address; the same engine reached through two targets shows twice"));
        }
        String os = CapabilityNegotiator.text(info, "OperatingSystem");
        if (os == null && version != null) {
            String vos = CapabilityNegotiator.text(version, "Os");
            String arch = CapabilityNegotiator.text(version, "Arch");
            os = vos == null ? null : arch == null ? vos : vos + "/" + arch;
        }
        EngineProduct product = EngineProduct.of(version);
        return new DockerEngine(
                id,
                CapabilityNegotiator.text(info, "Name"),
                product.name(),
                product.version(),
                docker.apiVersion().map(Object::toString).orElse(null),
                os,
                List.of(new DockerEngine.Reach(target.label(), plugin().id(), docker.transport().describe())),
                result == null ? new CapabilityReport(List.of()) : result.report(),
                containers,
                networks,
                all,
                swarm);
    }

    /**
     * @return the engine's id from {@code /info} (see {@link EngineProduct#engineId}), or a stand-in made from the address when it is denied
     */
    public String engineId() {
        Negotiated result = negotiated;
        String id = result == null ? null : EngineProduct.of(result.version()).engineId(result.info());
        return id == null ? "unidentified:" + docker.transport().describe() : id;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        docker.close();
    }
}
