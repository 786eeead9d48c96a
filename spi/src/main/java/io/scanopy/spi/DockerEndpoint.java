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
    EXEC_INSPECT("exec-inspect", "GET", "/exec/{id}/json");

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
}
