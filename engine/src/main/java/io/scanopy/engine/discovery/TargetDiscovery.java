package io.scanopy.engine.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.scanopy.engine.capability.CapabilityNegotiator;
import io.scanopy.engine.capability.CapabilityNegotiator.Negotiated;
import io.scanopy.engine.detection.ServiceDetector;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transport;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.Note;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers one target: connect through the plugin's transport, negotiate capabilities, list
 * containers, inspect them with bounded concurrency, list (or derive) networks, and describe
 * the engine. What is denied is replaced by the declared fallback and noted.
 */
public final class TargetDiscovery {
    private static final Logger log = LoggerFactory.getLogger(TargetDiscovery.class);
    static final Comparator<Container> CONTAINER_ORDER = Comparator.comparing(Container::displayName).thenComparing(Container::id);

    private TargetDiscovery() {
    }

    /**
     * Opens the target's transport.
     *
     * @param target the target
     * @param plugin the plugin chosen for it
     * @return an open connection
     * @throws DockerAccessException for unusable settings or a missing socket
     */
    public static DockerConnection connect(TargetSpec target, LoadedPlugin plugin) throws DockerAccessException {
        Transport transport;
        try {
            transport = plugin.plugin().transport(target);
        } catch (TargetConfigurationException e) {
            throw new DockerAccessException(Kind.CONFIGURATION, e.getMessage(), e);
        }
        return DockerConnection.open(transport);
    }

    /**
     * Discovers one target over an open connection.
     *
     * @param target the target
     * @param plugin the plugin chosen for it
     * @param connection the connection to its Docker API
     * @param options how to discover
     * @param detector the service detector, or null for none
     * @return the engine behind the target, with what runs on it
     * @throws DockerAccessException when the target cannot be reached or containers cannot be listed
     */
    public static DockerEngine discover(TargetSpec target, LoadedPlugin plugin, DockerConnection connection, DiscoveryOptions options,
                                        ServiceDetector detector) throws DockerAccessException {
        // The list is needed whatever else is allowed: ask for it while the other endpoints are checked.
        AtomicReference<CompletableFuture<List<com.github.dockerjava.api.model.Container>>> listing = new AtomicReference<>();
        Negotiated negotiated = CapabilityNegotiator.negotiate(connection, plugin.plugin(), options.wantExec(),
                () -> listing.set(CompletableFuture.supplyAsync(() -> connection.api().listContainersCmd().withShowAll(options.includeStopped()).exec())));
        CapabilityReport report = negotiated.report();
        Check list = report.check(DockerEndpoint.LIST_CONTAINERS);
        if (list == null || list.status() == Status.DENIED) {
            listing.get().cancel(true);
            String why = list == null ? "the plugin " + plugin.id() + " does not declare GET /containers/json" : list.remediation();
            throw new DockerAccessException(Kind.DENIED, "Cannot list containers on " + target.label() + " — " + why, null);
        }
        List<Note> notes = new ArrayList<>(degradations(report));

        List<com.github.dockerjava.api.model.Container> listed;
        try {
            listed = listing.get().get();
        } catch (ExecutionException e) {
            throw connection.describeFailure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerAccessException(Kind.OTHER, "discovery of " + target.label() + " was interrupted", e);
        }
        List<Container> containers = report.allows(DockerEndpoint.INSPECT_CONTAINER)
                ? inspectAll(connection, listed, options.inspectConcurrency(), notes)
                : listed.stream().map(ContainerMapper::fromList).toList();
        containers = new ArrayList<>(containers);
        containers.sort(CONTAINER_ORDER);

        List<Network> networks = null;
        if (report.allows(DockerEndpoint.LIST_NETWORKS)) {
            try {
                networks = NetworkMapper.fromDocker(connection.api().listNetworksCmd().exec());
            } catch (RuntimeException e) {
                notes.add(new Note(Note.Level.WARNING, "networks-failed", DockerEndpoint.LIST_NETWORKS.capability(),
                        "Listing networks failed (" + connection.describeFailure(e).getMessage() + "); subnets are derived from container addresses"));
            }
        }
        if (networks == null) {
            networks = NetworkMapper.deriveFrom(containers);
        }
        if (detector != null && options.detection() != null) {
            ServiceDetector.Outcome detected = detector.detect(connection, containers, options.detection(), execDenial(report));
            containers = detected.containers();
            notes.addAll(detected.notes());
        }
        return describeEngine(target, plugin, connection, negotiated, containers, networks, notes);
    }

    /** Why exec cannot be used, from the capability report; null when it can. */
    private static String execDenial(CapabilityReport report) {
        for (Check check : report.checks()) {
            if (check.endpoint().isExec() && check.status() == Status.DENIED) {
                return check.endpoint().method() + " " + check.endpoint().pathTemplate() + " denied by " + check.deniedBy() + " (HTTP " + check.httpStatus() + ")";
            }
        }
        return report.check(DockerEndpoint.EXEC_CREATE) == null ? "the plugin declares no exec endpoints" : null;
    }

    private static List<Note> degradations(CapabilityReport report) {
        List<Note> notes = new ArrayList<>();
        for (Check check : report.checks()) {
            if (check.status() == Status.DENIED) {
                notes.add(new Note(Note.Level.WARNING, "degraded", check.capability(),
                        check.endpoint().method() + " " + check.endpoint().pathTemplate() + " denied by " + check.deniedBy()
                                + " (HTTP " + check.httpStatus() + "): " + check.fallback().effect() + ". To allow it: " + check.remediation()));
            }
        }
        return notes;
    }

    private static List<Container> inspectAll(DockerConnection connection, List<com.github.dockerjava.api.model.Container> listed, int concurrency, List<Note> notes) {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, listed.size())), r -> {
            Thread t = new Thread(r, "inspect-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<InspectContainerResponse>> futures = new ArrayList<>();
            for (com.github.dockerjava.api.model.Container c : listed) {
                futures.add(pool.submit(() -> connection.api().inspectContainerCmd(c.getId()).exec()));
            }
            List<Container> result = new ArrayList<>();
            for (int i = 0; i < listed.size(); i++) {
                com.github.dockerjava.api.model.Container c = listed.get(i);
                try {
                    result.add(ContainerMapper.fromInspection(c, futures.get(i).get()));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof NotFoundException) {
                        // Removed between list and inspect: it no longer exists, so it is not inventory.
                        notes.add(new Note(Note.Level.INFO, "container-vanished", c.getId(), "Container " + ContainerMapper.fromList(c).displayName()
                                + " was removed during discovery and is left out"));
                    } else {
                        notes.add(new Note(Note.Level.WARNING, "inspect-failed", c.getId(), "Inspecting " + ContainerMapper.fromList(c).displayName()
                                + " failed (" + connection.describeFailure(cause).getMessage() + "); it is described from the container list only"));
                        result.add(ContainerMapper.fromList(c));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result.add(ContainerMapper.fromList(c));
                }
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private static DockerEngine describeEngine(TargetSpec target, LoadedPlugin plugin, DockerConnection connection, Negotiated negotiated,
                                               List<Container> containers, List<Network> networks, List<Note> notes) {
        JsonNode info = negotiated.info();
        JsonNode version = negotiated.version();
        String id = CapabilityNegotiator.text(info, "ID");
        if (id == null || id.isEmpty()) {
            id = "unidentified:" + connection.transport().describe();
            notes.add(new Note(Note.Level.INFO, "engine-unidentified", "info",
                    "GET /info is not allowed, so this engine is identified by its address; the same engine reached through two targets shows twice"));
        }
        String os = CapabilityNegotiator.text(info, "OperatingSystem");
        if (os == null && version != null) {
            String vos = CapabilityNegotiator.text(version, "Os");
            String arch = CapabilityNegotiator.text(version, "Arch");
            os = vos == null ? null : arch == null ? vos : vos + "/" + arch;
        }
        log.debug("Discovered {} containers and {} networks on {}", containers.size(), networks.size(), target.label());
        return new DockerEngine(
                id,
                CapabilityNegotiator.text(info, "Name"),
                CapabilityNegotiator.text(version, "Version"),
                connection.apiVersion().map(Object::toString).orElse(null),
                os,
                List.of(new DockerEngine.Reach(target.label(), plugin.id(), connection.transport().describe())),
                negotiated.report(),
                containers,
                networks,
                notes);
    }
}
