package io.scanopy.spi.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A container.
 *
 * @param id the full container id
 * @param names the container's names without the leading slash
 * @param image the image reference the container was created from
 * @param imageId the image id ({@code sha256:...})
 * @param state the state ({@code running}, {@code exited}, ...)
 * @param status Docker's human status line, for example {@code Up 3 minutes}
 * @param created when the container was created
 * @param started when the container last started, or null (not inspected, or never started)
 * @param labels all labels
 * @param compose the Docker Compose project and service, or null when not a compose container
 * @param command the command line as Docker reports it, or null
 * @param ports published and exposed ports, ordered
 * @param networks network attachments, ordered by network name
 * @param services services detected in the container (empty until detection runs)
 * @param detail where the details came from: {@link Detail#INSPECT} or {@link Detail#LIST_ONLY}
 * @param stale true while the daemon cannot reach the container's engine: the record is the
 *     last one seen, kept rather than dropped; null when current (since SPI 1.1)
 * @param lastSeen with {@code stale}, when the container was last confirmed; otherwise null (since SPI 1.1)
 */
public record Container(
        String id,
        List<String> names,
        String image,
        String imageId,
        String state,
        String status,
        Instant created,
        Instant started,
        Map<String, String> labels,
        Compose compose,
        String command,
        List<Port> ports,
        List<NetworkAttachment> networks,
        List<DetectedService> services,
        Detail detail,
        Boolean stale,
        Instant lastSeen) {

    /** Copies the collections. */
    public Container {
        names = List.copyOf(names);
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
        networks = List.copyOf(networks);
        services = List.copyOf(services);
    }

    /**
     * A current container (neither stale nor with a last-seen time): the SPI 1.0 form.
     *
     * @param id the full container id
     * @param names the names without the leading slash
     * @param image the image reference
     * @param imageId the image id
     * @param state the state
     * @param status Docker's status line
     * @param created when it was created
     * @param started when it last started, or null
     * @param labels all labels
     * @param compose the compose project and service, or null
     * @param command the command line, or null
     * @param ports ports
     * @param networks network attachments
     * @param services detected services
     * @param detail where the details came from
     */
    public Container(String id, List<String> names, String image, String imageId, String state, String status, Instant created, Instant started,
                     Map<String, String> labels, Compose compose, String command, List<Port> ports, List<NetworkAttachment> networks,
                     List<DetectedService> services, Detail detail) {
        this(id, names, image, imageId, state, status, created, started, labels, compose, command, ports, networks, services, detail, null, null);
    }

    /**
     * A copy with the detected services.
     *
     * @param detected the services
     * @return the copy
     */
    public Container withServices(List<DetectedService> detected) {
        return new Container(id, names, image, imageId, state, status, created, started, labels, compose, command, ports, networks, detected, detail, stale, lastSeen);
    }

    /**
     * A copy marked stale: the engine cannot be reached, this is the last record seen.
     *
     * @param seen when the container was last confirmed
     * @return the copy
     */
    public Container asStale(Instant seen) {
        return new Container(id, names, image, imageId, state, status, created, started, labels, compose, command, ports, networks, services, detail, Boolean.TRUE, seen);
    }


    /**
     * The first name, or the short id when the container has none.
     *
     * @return a name for display
     */
    public String displayName() {
        return names.isEmpty() ? id.substring(0, Math.min(12, id.length())) : names.get(0);
    }

    /** How much is known about a container. */
    public enum Detail {
        /** Inspected: full details. */
        INSPECT,
        /** Inspect was denied or failed: only what the container list shows. */
        LIST_ONLY
    }

    /**
     * Docker Compose membership, from the {@code com.docker.compose.*} labels.
     *
     * @param project the compose project
     * @param service the compose service
     */
    public record Compose(String project, String service) {
    }

    /**
     * A container port.
     *
     * @param privatePort the port inside the container
     * @param protocol {@code tcp}, {@code udp} or {@code sctp}
     * @param publicPort the port published on the host, or null when only exposed
     * @param hostIp the host address it is published on, or null when only exposed
     */
    public record Port(int privatePort, String protocol, Integer publicPort, String hostIp) {
    }
}
