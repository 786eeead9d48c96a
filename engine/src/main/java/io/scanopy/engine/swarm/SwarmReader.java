package io.scanopy.engine.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.Note;
import io.scanopy.spi.inventory.SwarmCluster;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the Swarm cluster of a manager: {@code GET /nodes}, {@code /services} and {@code /tasks},
 * each where the capability report allows it, and links every task to the container it names
 * when that container is one of the engine's own. One-shot discovery and the daemon both read
 * it here. A list that is denied or fails is left out (null) and the engine's notes say why;
 * the engine's own containers are discovered either way.
 */
public final class SwarmReader {
    /** Code of the note on a Swarm worker, which cannot list the cluster. */
    public static final String WORKER_NOTE = "swarm-worker";

    private SwarmReader() {
    }

    /**
     * Whether the cluster is worth reading on this engine: it is a manager, and the plugin declared at least one Swarm list.
     *
     * @param report the capability report
     * @param info the parsed {@code /info} answer, or null
     * @return true when {@link #read} will ask the engine anything
     */
    public static boolean applies(CapabilityReport report, JsonNode info) {
        return SwarmMapping.isManager(info) && report.checks().stream().anyMatch(c -> c.endpoint().isSwarm());
    }

    /**
     * The cluster, or empty when the engine is no Swarm manager (a worker gets an info note
     * saying where the cluster can be seen).
     *
     * @param docker the engine's API
     * @param report the capability report
     * @param info the parsed {@code /info} answer, or null
     * @param containers the engine's containers, to link tasks to
     * @param networks the engine's networks, to name the networks services and tasks use
     * @param notes where a failed list is noted
     * @return the cluster
     */
    public static Optional<SwarmCluster> read(DockerConnection docker, CapabilityReport report, JsonNode info, List<Container> containers,
                                              List<Network> networks, List<Note> notes) {
        if (!applies(report, info)) {
            if (info != null && "active".equals(info.path("Swarm").path("LocalNodeState").asText()) && !SwarmMapping.isManager(info)) {
                notes.add(new Note(Note.Level.INFO, WORKER_NOTE, "swarm",
                        "This engine is a Swarm worker: only managers list the cluster's nodes, services and tasks; its own containers are discovered as usual."
                                + " To see the cluster, add a target that reaches a manager"));
            }
            return Optional.empty();
        }
        Map<String, String> networkNames = new HashMap<>();
        networks.forEach(n -> networkNames.put(n.id(), n.name()));
        JsonNode nodes = list(docker, report, DockerEndpoint.LIST_NODES, notes);
        JsonNode services = list(docker, report, DockerEndpoint.LIST_SERVICES, notes);
        JsonNode tasks = list(docker, report, DockerEndpoint.LIST_TASKS, notes);
        List<SwarmCluster.Service> serviceList = services == null ? null : SwarmMapping.services(services, networkNames);
        Map<String, String> serviceNames = new HashMap<>();
        if (serviceList != null) {
            serviceList.forEach(s -> serviceNames.put(s.id(), s.name()));
        }
        Set<String> local = new HashSet<>();
        containers.forEach(c -> local.add(c.id()));
        List<SwarmCluster.Task> taskList = tasks == null ? null : SwarmMapping.tasks(tasks, serviceNames).stream()
                .map(t -> t.withContainerDiscovered(t.containerId() != null && local.contains(t.containerId()))).toList();
        return Optional.of(new SwarmCluster(SwarmMapping.clusterId(info), SwarmMapping.nodeId(info),
                nodes == null ? null : SwarmMapping.nodes(nodes), serviceList, taskList));
    }

    /** One list, when allowed; a denial is already a note (from the capability report), a failure becomes one. */
    private static JsonNode list(DockerConnection docker, CapabilityReport report, DockerEndpoint endpoint, List<Note> notes) {
        CapabilityReport.Check check = report.check(endpoint);
        if (check == null || !(check.status() == Status.ALLOWED || check.status() == Status.NOT_CHECKED)) {
            return null;
        }
        try {
            return docker.listSwarm(endpoint);
        } catch (DockerAccessException e) {
            notes.add(new Note(Note.Level.WARNING, "swarm-list-failed", endpoint.capability(),
                    endpoint.method() + " " + endpoint.pathTemplate() + " failed (" + e.getMessage() + "); the cluster is shown without it"));
            return null;
        }
    }
}
