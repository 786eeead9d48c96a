package io.scanopy.engine.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.scanopy.spi.inventory.SwarmCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Docker's Swarm answers ({@code /info}'s {@code Swarm}, {@code /nodes}, {@code /services},
 * {@code /tasks}) as the inventory's {@link SwarmCluster} parts. Reads only what identifies and
 * places things: never a service's or task's environment, secrets, configs or mounts, which the
 * same answers carry.
 */
public final class SwarmMapping {
    /** The label {@code docker stack deploy} puts on every service of a stack. */
    public static final String STACK_LABEL = "com.docker.stack.namespace";
    /** Tasks ordered as {@code docker service ps} reads best: by service, slot, node, id. */
    static final Comparator<SwarmCluster.Task> TASK_ORDER = Comparator
            .comparing((SwarmCluster.Task t) -> Objects.requireNonNullElse(t.serviceName(), t.serviceId()))
            .thenComparing(t -> t.slot() == null ? 0 : t.slot())
            .thenComparing(t -> Objects.requireNonNullElse(t.nodeId(), ""))
            .thenComparing(SwarmCluster.Task::id);

    private SwarmMapping() {
    }

    /**
     * Whether {@code /info} says the engine is an active Swarm manager: the only engines that
     * answer {@code /nodes}, {@code /services} and {@code /tasks}.
     *
     * @param info the parsed {@code /info} answer, or null
     * @return true for a manager
     */
    public static boolean isManager(JsonNode info) {
        JsonNode swarm = info == null ? null : info.get("Swarm");
        return swarm != null && "active".equals(text(swarm, "LocalNodeState")) && swarm.path("ControlAvailable").asBoolean(false);
    }

    /**
     * @param info the parsed {@code /info} answer of a manager
     * @return the cluster's id, or null
     */
    public static String clusterId(JsonNode info) {
        return text(info.path("Swarm").path("Cluster"), "ID");
    }

    /**
     * @param info the parsed {@code /info} answer
     * @return the id of the node the engine is, or null
     */
    public static String nodeId(JsonNode info) {
        return text(info.path("Swarm"), "NodeID");
    }

    /**
     * @param nodes the {@code /nodes} answer
     * @return the nodes, ordered by hostname then id
     */
    public static List<SwarmCluster.Node> nodes(JsonNode nodes) {
        List<SwarmCluster.Node> result = new ArrayList<>();
        for (JsonNode n : nodes) {
            JsonNode spec = n.path("Spec");
            JsonNode description = n.path("Description");
            result.add(new SwarmCluster.Node(
                    text(n, "ID"),
                    text(description, "Hostname"),
                    text(spec, "Role"),
                    text(spec, "Availability"),
                    text(n.path("Status"), "State"),
                    text(n.path("Status"), "Addr"),
                    text(description.path("Engine"), "EngineVersion"),
                    n.path("ManagerStatus").path("Leader").asBoolean(false),
                    labels(spec.path("Labels"))));
        }
        result.sort(Comparator.comparing((SwarmCluster.Node x) -> Objects.requireNonNullElse(x.hostname(), "")).thenComparing(SwarmCluster.Node::id));
        return result;
    }

    /**
     * @param services the {@code /services} answer
     * @param networkNames network names by id, as this engine lists them
     * @return the services, ordered by name then id
     */
    public static List<SwarmCluster.Service> services(JsonNode services, Map<String, String> networkNames) {
        List<SwarmCluster.Service> result = new ArrayList<>();
        for (JsonNode s : services) {
            JsonNode spec = s.path("Spec");
            Map<String, String> labels = labels(spec.path("Labels"));
            List<SwarmCluster.Port> ports = new ArrayList<>();
            // The endpoint's ports are the ones Docker assigned; the spec's only what was asked (a published port may be left to Docker).
            JsonNode portList = s.path("Endpoint").has("Ports") ? s.path("Endpoint").path("Ports") : spec.path("EndpointSpec").path("Ports");
            for (JsonNode p : portList) {
                ports.add(new SwarmCluster.Port(text(p, "Protocol"), p.path("TargetPort").asInt(),
                        p.hasNonNull("PublishedPort") && p.path("PublishedPort").asInt() > 0 ? p.path("PublishedPort").asInt() : null,
                        Objects.requireNonNullElse(text(p, "PublishMode"), "ingress")));
            }
            List<SwarmCluster.NetworkRef> networks = new ArrayList<>();
            for (JsonNode n : spec.path("TaskTemplate").path("Networks")) {
                String id = text(n, "Target");
                networks.add(new SwarmCluster.NetworkRef(id, networkNames.get(id)));
            }
            List<SwarmCluster.VirtualIp> vips = new ArrayList<>();
            for (JsonNode v : s.path("Endpoint").path("VirtualIPs")) {
                String id = text(v, "NetworkID");
                vips.add(new SwarmCluster.VirtualIp(id, networkNames.get(id), text(v, "Addr")));
            }
            Mode mode = mode(spec.path("Mode"));
            result.add(new SwarmCluster.Service(text(s, "ID"), text(spec, "Name"), mode.name(), mode.replicas(),
                    text(spec.path("TaskTemplate").path("ContainerSpec"), "Image"), labels.get(STACK_LABEL), labels, ports, networks, vips));
        }
        result.sort(Comparator.comparing((SwarmCluster.Service x) -> Objects.requireNonNullElse(x.name(), "")).thenComparing(SwarmCluster.Service::id));
        return result;
    }

    private record Mode(String name, Integer replicas) {
    }

    private static Mode mode(JsonNode mode) {
        if (mode.has("Replicated")) {
            return new Mode("replicated", mode.path("Replicated").path("Replicas").asInt(1));
        }
        if (mode.has("Global")) {
            return new Mode("global", null);
        }
        if (mode.has("ReplicatedJob")) {
            return new Mode("replicated-job", mode.path("ReplicatedJob").path("TotalCompletions").asInt(1));
        }
        if (mode.has("GlobalJob")) {
            return new Mode("global-job", null);
        }
        return new Mode(null, null);
    }

    /**
     * The tasks the orchestrator still wants (desired state other than {@code shutdown} and
     * {@code remove}: what runs, is starting, retries or, for a job, completed), each linked to
     * its service's name.
     *
     * @param tasks the {@code /tasks} answer
     * @param serviceNames service names by id, or an empty map when services were not read
     * @return the tasks, ordered by service, slot, node and id
     */
    public static List<SwarmCluster.Task> tasks(JsonNode tasks, Map<String, String> serviceNames) {
        List<SwarmCluster.Task> result = new ArrayList<>();
        for (JsonNode t : tasks) {
            String desired = text(t, "DesiredState");
            if ("shutdown".equals(desired) || "remove".equals(desired)) {
                continue;
            }
            JsonNode status = t.path("Status");
            List<SwarmCluster.Attachment> attachments = new ArrayList<>();
            for (JsonNode a : t.path("NetworksAttachments")) {
                List<String> addresses = new ArrayList<>();
                a.path("Addresses").forEach(x -> addresses.add(x.asText()));
                attachments.add(new SwarmCluster.Attachment(text(a.path("Network"), "ID"), text(a.path("Network").path("Spec"), "Name"), addresses));
            }
            String serviceId = text(t, "ServiceID");
            result.add(new SwarmCluster.Task(text(t, "ID"), serviceId, serviceNames.get(serviceId),
                    t.hasNonNull("Slot") && t.path("Slot").asInt() > 0 ? t.path("Slot").asInt() : null,
                    text(t, "NodeID"), desired, text(status, "State"), text(status, "Message"), text(status, "Err"),
                    text(status.path("ContainerStatus"), "ContainerID"), false, attachments));
        }
        result.sort(TASK_ORDER);
        return result;
    }

    private static Map<String, String> labels(JsonNode labels) {
        Map<String, String> result = new TreeMap<>();
        labels.fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isValueNode() || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }
}
