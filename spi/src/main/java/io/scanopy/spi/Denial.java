package io.scanopy.spi;

/**
 * A request that was refused, with the answer as received. Plugins use it to tell their proxy's
 * refusals from Docker's own errors and to explain them.
 *
 * @param endpoint the endpoint that was called; null for the engine's flavour probe (a path no
 *     proxy allows, sent to learn which proxy answers)
 * @param method the HTTP method sent
 * @param path the path exactly as sent, including any {@code /v1.xx} prefix
 * @param status the HTTP status (for example 403 or 405)
 * @param contentType the response's content type, or empty
 * @param body the response body, truncated to a few kilobytes
 * @param flavorProbe the answer the same target gave to the engine's flavour probe
 *     ({@code DELETE} to a path that cannot exist, see {@link #FLAVOR_PROBE_METHOD}), or null when
 *     none was sent (a forced flavour, or no other plugin reaches the target the same way). A proxy
 *     that checks the client address before anything else tells with it whether this client's
 *     address is admitted at all. Since SPI 1.2.
 * @param clientAddress the address the proxy sees this client's requests come from, when the
 *     engine can tell (its own address on the proxy's network, or the Docker bridge gateway for a
 *     proxy reached through a port published on the host); null when unknown. Since SPI 1.2.
 */
public record Denial(DockerEndpoint endpoint, String method, String path, int status, String contentType, String body,
                     Denial flavorProbe, String clientAddress) {

    /** The flavour probe's method: one no proxy set up for discovery admits, and Docker has no route for at that path. */
    public static final String FLAVOR_PROBE_METHOD = "DELETE";
    /** The flavour probe's path: nothing is there, in Docker or behind any proxy. */
    public static final String FLAVOR_PROBE_PATH = "/scanopy-flavor-probe";

    /**
     * A denial without what the engine learnt about the connection (SPI 1.0 and 1.1).
     *
     * @param endpoint the endpoint, or null for the flavour probe
     * @param method the HTTP method sent
     * @param path the path as sent
     * @param status the HTTP status
     * @param contentType the content type, or empty
     * @param body the body
     */
    public Denial(DockerEndpoint endpoint, String method, String path, int status, String contentType, String body) {
        this(endpoint, method, path, status, contentType, body, null, null);
    }

    /**
     * The same denial, with what the engine learnt about the connection.
     *
     * @param probe the flavour probe's answer, or null
     * @param address the address the proxy sees, or null
     * @return a copy carrying both
     * @since SPI 1.2
     */
    public Denial withConnection(Denial probe, String address) {
        return new Denial(endpoint, method, path, status, contentType, body, probe, address);
    }

    /**
     * Docker's own errors are JSON objects with a {@code message}; anything else in front of the
     * engine (an HTML page, plain text) comes from a proxy.
     *
     * @return true when the body looks like Docker's own JSON error
     */
    public boolean looksLikeDockerError() {
        String trimmed = body == null ? "" : body.strip();
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json")
                && trimmed.startsWith("{") && trimmed.contains("\"message\"");
    }

    /**
     * Whether the path carried an API version prefix such as {@code /v1.41}.
     *
     * @return true for a versioned path
     */
    public boolean versionedPath() {
        return path != null && path.matches("^/v[0-9]+\\.[0-9]+/.*");
    }
}
