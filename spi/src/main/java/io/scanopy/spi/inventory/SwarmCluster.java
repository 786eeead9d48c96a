package io.scanopy.spi.inventory;

import java.util.List;
import java.util.Map;

/**
 * The Swarm cluster an engine manages: read from a manager only, with {@code GET /nodes},
 * {@code /services} and {@code /tasks}. A list the proxy or Docker did not give is null (and the
 * engine's notes say why and how to allow it), an empty list is a cluster without any.
 * Service specifications are read for what identifies a service, never its environment,
 * secrets or configs.
 *
 * @param id the cluster's id, from {@code /info}
 * @param nodeId the id of the node this engine is
 * @param nodes the nodes, ordered by hostname then id, or null when not read
 * @param services the services, ordered by name then id, or null when not read
 * @param tasks the tasks meant to run (desired state running), ordered by service name, slot, node
 *     and id, or null when not read
 * @since SPI 1.4
 */
public record SwarmCluster(String id, String nodeId, List<Node> nodes, List<Service> services, List<Task> tasks) {

    /** Copies the lists that were read. */
    public SwarmCluster {
        nodes = nodes == null ? null : List.copyOf(nodes);
        services = services == null ? null : List.copyOf(services);
        tasks = tasks == null ? null : List.copyOf(tasks);
    }

    /**
     * One node of the cluster.
     *
     * @param id the node id
     * @param hostname the host's name
     * @param role {@code manager} or {@code worker}
     * @param availability {@code active}, {@code pause} or {@code drain}
     * @param state {@code ready}, {@code down}, {@code unknown} or {@code disconnected}
     * @param address the address the node is reached at
     * @param engineVersion the Docker version the node runs
     * @param leader true for the manager that leads the cluster
     * @param labels the node's labels (set with {@code docker node update --label-add})
     */
    public record Node(String id, String hostname, String role, String availability, String state, String address,
                       String engineVersion, boolean leader, Map<String, String> labels) {
        /** Copies the labels. */
        public Node {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * One service of the cluster.
     *
     * @param id the service id
     * @param name the service name
     * @param mode {@code replicated}, {@code global}, {@code replicated-job} or {@code global-job}
     * @param replicas the replicas asked for (replicated modes), or null
     * @param image the image its tasks run, as the service names it
     * @param stack the stack it belongs to (label {@code com.docker.stack.namespace}), or null
     * @param labels the service's labels
     * @param ports the published ports
     * @param networks the networks its tasks attach to
     * @param virtualIps the virtual IPs the service has on its networks (endpoint mode vip)
     */
    public record Service(String id, String name, String mode, Integer replicas, String image, String stack, Map<String, String> labels,
                          List<Port> ports, List<NetworkRef> networks, List<VirtualIp> virtualIps) {
        /** Copies the collections. */
        public Service {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            ports = List.copyOf(ports);
            networks = List.copyOf(networks);
            virtualIps = List.copyOf(virtualIps);
        }
    }

    /**
     * A port a service publishes.
     *
     * @param protocol {@code tcp}, {@code udp} or {@code sctp}
     * @param targetPort the port inside the tasks' containers
     * @param publishedPort the port published, or null when Docker has not assigned one yet
     * @param publishMode {@code ingress} (the routing mesh, on every node) or {@code host} (on the nodes that run a task)
     */
    public record Port(String protocol, int targetPort, Integer publishedPort, String publishMode) {
    }

    /**
     * A network, by id and, where the engine lists it, name.
     *
     * @param id the network id
     * @param name the network name, or null when this engine does not list it
     */
    public record NetworkRef(String id, String name) {
    }

    /**
     * A service's virtual IP on one network.
     *
     * @param networkId the network id
     * @param networkName the network name, or null when this engine does not list it
     * @param address the address with its prefix length, for example {@code 10.0.1.2/24}
     */
    public record VirtualIp(String networkId, String networkName, String address) {
    }

    /**
     * One task: a service's container on some node.
     *
     * @param id the task id
     * @param serviceId the service's id
     * @param serviceName the service's name, or null when services were not read
     * @param slot the replica's slot (replicated services), or null
     * @param nodeId the node it is scheduled on, or null before scheduling
     * @param desiredState what the orchestrator wants, for example {@code running}
     * @param state what it is, for example {@code running}, {@code preparing}, {@code failed}
     * @param message the state's message, or null
     * @param error the error that ended it, or null
     * @param containerId the id of its container, or null before the node created one
     * @param containerDiscovered true when that container is among this engine's containers
     *     (the task runs on the node this engine is)
     * @param networks its attachments, with addresses
     */
    public record Task(String id, String serviceId, String serviceName, Integer slot, String nodeId, String desiredState, String state,
                       String message, String error, String containerId, boolean containerDiscovered, List<Attachment> networks) {
        /** Copies the list. */
        public Task {
            networks = List.copyOf(networks);
        }

        /**
         * The same task, with whether its container is discovered.
         *
         * @param discovered whether its container is among the engine's containers
         * @return the task
         */
        public Task withContainerDiscovered(boolean discovered) {
            return new Task(id, serviceId, serviceName, slot, nodeId, desiredState, state, message, error, containerId, discovered, networks);
        }
    }

    /**
     * A task's attachment to a network.
     *
     * @param networkId the network id
     * @param networkName the network name
     * @param addresses its addresses, each with its prefix length
     */
    public record Attachment(String networkId, String networkName, List<String> addresses) {
        /** Copies the list. */
        public Attachment {
            addresses = List.copyOf(addresses);
        }
    }
}
