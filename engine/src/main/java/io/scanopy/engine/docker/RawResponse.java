package io.scanopy.engine.docker;

/**
 * An HTTP answer from a Docker endpoint, as received.
 *
 * @param method the method sent
 * @param path the path exactly as sent
 * @param status the HTTP status
 * @param contentType the content type, or empty
 * @param body the body, truncated to {@link DockerConnection#MAX_RAW_BODY} bytes
 * @param cut whether the body was longer than that (and the rest left unread)
 */
public record RawResponse(String method, String path, int status, String contentType, String body, boolean cut) {

    /**
     * An answer read whole.
     *
     * @param method the method sent
     * @param path the path exactly as sent
     * @param status the HTTP status
     * @param contentType the content type, or empty
     * @param body the body
     */
    public RawResponse(String method, String path, int status, String contentType, String body) {
        this(method, path, status, contentType, body, false);
    }

    /**
     * @return true for a 2xx status
     */
    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
