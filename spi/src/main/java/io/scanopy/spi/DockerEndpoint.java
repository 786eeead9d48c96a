package io.scanopy.spi;

/**
 * The Docker Engine API endpoints discovery can use. Path templates are unversioned; the engine
 * adds a {@code /v1.xx} prefix when it negotiated a version.
 */
public enum DockerEndpoint {
    /** {@code GET /_ping}: liveness; cheap. */
    PING("ping", "GET", "/_ping"),
    /** {@code GET /version}: engine version and the API versions it speaks. */
    VERSION("version", "GET", "/version"),
    /** {@code GET /info}: engine id and name, OS. */
    INFO("info", "GET", "/info"),
    /** {@code GET /containers/json}: list containers. */
    LIST_CONTAINERS("list-containers", "GET", "/containers/json"),
    /** {@code GET /containers/{id}/json}: container details. */
    INSPECT_CONTAINER("inspect-container", "GET", "/containers/{id}/json"),
    /** {@code GET /networks}: networks and their subnets. */
    LIST_NETWORKS("list-networks", "GET", "/networks"),
    /** {@code GET /events}: the stream of container and network changes the daemon follows (since SPI 1.1). */
    EVENTS("events", "GET", "/events"),
    /** {@code POST /containers/{id}/exec}: create an exec instance for probing. */
    EXEC_CREATE("exec-create", "POST", "/containers/{id}/exec"),
    /** {@code POST /exec/{id}/start}: run the probe. */
    EXEC_START("exec-start", "POST", "/exec/{id}/start"),
    /** {@code GET /exec/{id}/json}: the probe's exit status. */
    EXEC_INSPECT("exec-inspect", "GET", "/exec/{id}/json"),
    /** {@code GET /nodes}: the Swarm cluster's nodes; a manager answers it (since SPI 1.4). */
    LIST_NODES("list-nodes", "GET", "/nodes"),
    /** {@code GET /services}: the Swarm cluster's services; a manager answers it (since SPI 1.4). */
    LIST_SERVICES("list-services", "GET", "/services"),
    /** {@code GET /tasks}: the Swarm cluster's tasks, each a service's container on some node; a manager answers it (since SPI 1.4). */
    LIST_TASKS("list-tasks", "GET", "/tasks");

    private final String capability;
    private final String method;
    private final String pathTemplate;

    DockerEndpoint(String capability, String method, String pathTemplate) {
        this.capability = capability;
        this.method = method;
        this.pathTemplate = pathTemplate;
    }

    /**
     * @return the capability name used in reports, for example {@code list-networks}
     */
    public String capability() {
        return capability;
    }

    /**
     * @return the HTTP method
     */
    public String method() {
        return method;
    }

    /**
     * @return the unversioned path template, with {@code {id}} for an identifier
     */
    public String pathTemplate() {
        return pathTemplate;
    }

    /**
     * @return true for the three endpoints {@code docker exec} needs
     */
    public boolean isExec() {
        return this == EXEC_CREATE || this == EXEC_START || this == EXEC_INSPECT;
    }

    /**
     * @return true for the endpoints that read a Swarm cluster: only a manager answers them, so
     *     they are checked and used only on an engine whose {@code /info} says it is one
     * @since SPI 1.4
     */
    public boolean isSwarm() {
        return this == LIST_NODES || this == LIST_SERVICES || this == LIST_TASKS;
    }
}
