package io.scanopy.engine.docker;

/**
 * An HTTP answer from a Docker endpoint, as received.
 *
 * @param method the method sent
 * @param path the path exactly as sent
 * @param status the HTTP status
 * @param contentType the content type, or empty
 * @param body the body, truncated to {@link DockerConnection#MAX_RAW_BODY} characters
 */
public record RawResponse(String method, String path, int status, String contentType, String body) {

    /**
     * @return true for a 2xx status
     */
    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
