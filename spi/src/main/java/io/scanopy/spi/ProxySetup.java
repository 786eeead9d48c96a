package io.scanopy.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to run a plugin's proxy so that it allows exactly what discovery needs: the single
 * source for {@code scanopy-daemon proxy-config}, the documentation and the test matrix.
 *
 * @param image the image reference, pinned
 * @param environment the container environment, in a stable order
 * @param command the container command (flags), in order
 * @param port the port the proxy listens on inside its container
 * @param comments lines a human must read before using it (placeholders to fill in, ...)
 * @param user the compose {@code user:} value the container must run as (for example
 *     {@code 65534:${DOCKER_GID:?...}} for an image that runs unprivileged and needs the socket's
 *     group), or null to keep the image's own user
 * @param readOnly whether the container runs with a read-only root filesystem
 * @param tmpfs writable tmpfs mounts the container needs (with {@code readOnly}), for example {@code /run}
 * @since SPI 1.2
 */
public record ProxySetup(String image, Map<String, String> environment, List<String> command, int port, List<String> comments,
                         String user, boolean readOnly, List<String> tmpfs) {

    /** Copies, keeping the environment's order. */
    public ProxySetup {
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        command = List.copyOf(command);
        comments = List.copyOf(comments);
        tmpfs = List.copyOf(tmpfs);
    }

    /**
     * A setup with the image's own user and a writable root filesystem (SPI 1.0 and 1.1).
     *
     * @param image the image reference, pinned
     * @param environment the container environment
     * @param command the container command
     * @param port the port the proxy listens on
     * @param comments lines a human must read
     */
    public ProxySetup(String image, Map<String, String> environment, List<String> command, int port, List<String> comments) {
        this(image, environment, command, port, comments, null, false, List.of());
    }
}
