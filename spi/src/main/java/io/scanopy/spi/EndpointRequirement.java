package io.scanopy.spi;

import java.util.List;
import java.util.Objects;

/**
 * One Docker endpoint a plugin's discovery uses.
 *
 * @param endpoint the endpoint
 * @param required true when discovery of the target cannot proceed without it
 * @param fallback what the engine does when the endpoint is denied ({@link Fallback#NONE} for
 *     required endpoints)
 * @param purpose why the daemon calls it, for reports and generated proxy configuration
 */
public record EndpointRequirement(DockerEndpoint endpoint, boolean required, Fallback fallback, String purpose) {

    /** Validates: a required endpoint has no fallback, an optional one has one. */
    public EndpointRequirement {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(fallback, "fallback");
        if (required != (fallback == Fallback.NONE)) {
            throw new IllegalArgumentException(endpoint + ": a required endpoint has no fallback, an optional one needs one");
        }
    }

    /**
     * The endpoints the daemon uses, as the user guide lists them, plus the version handshake.
     * Plugins reuse this list rather than restating it.
     *
     * @return the standard requirements, in call order
     */
    public static List<EndpointRequirement> standard() {
        return STANDARD;
    }

    private static final List<EndpointRequirement> STANDARD = List.of(
            new EndpointRequirement(DockerEndpoint.PING, false, Fallback.OMIT, "Check the API answers"),
            new EndpointRequirement(DockerEndpoint.VERSION, false, Fallback.UNVERSIONED_PATHS, "Negotiate the API version; engine version"),
            new EndpointRequirement(DockerEndpoint.INFO, false, Fallback.OMIT, "Engine id and name (system info)"),
            new EndpointRequirement(DockerEndpoint.LIST_CONTAINERS, true, Fallback.NONE, "List running containers"),
            new EndpointRequirement(DockerEndpoint.INSPECT_CONTAINER, false, Fallback.LIST_DATA_ONLY, "Get container details (ports, networks, config)"),
            new EndpointRequirement(DockerEndpoint.LIST_NETWORKS, false, Fallback.DERIVED_SUBNETS, "List Docker networks for subnet discovery"),
            new EndpointRequirement(DockerEndpoint.EVENTS, false, Fallback.POLLING, "Follow container and network changes (the daemon)"),
            new EndpointRequirement(DockerEndpoint.EXEC_CREATE, false, Fallback.DETECTION_WITHOUT_EXEC, "Create exec instance for endpoint probing"),
            new EndpointRequirement(DockerEndpoint.EXEC_START, false, Fallback.DETECTION_WITHOUT_EXEC, "Start exec to probe HTTP endpoints inside containers"),
            new EndpointRequirement(DockerEndpoint.EXEC_INSPECT, false, Fallback.DETECTION_WITHOUT_EXEC, "Check exec instance status"),
            new EndpointRequirement(DockerEndpoint.LIST_NODES, false, Fallback.LOCAL_NODE_ONLY, "List the Swarm cluster's nodes (managers only)"),
            new EndpointRequirement(DockerEndpoint.LIST_SERVICES, false, Fallback.LOCAL_NODE_ONLY, "List the Swarm cluster's services (managers only)"),
            new EndpointRequirement(DockerEndpoint.LIST_TASKS, false, Fallback.LOCAL_NODE_ONLY, "List the Swarm cluster's tasks, to link them to containers (managers only)"));
}
