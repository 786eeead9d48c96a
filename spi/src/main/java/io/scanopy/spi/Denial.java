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
 */
public record Denial(DockerEndpoint endpoint, String method, String path, int status, String contentType, String body) {

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
