package io.scanopy.engine.docker;

import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.spi.Transport;
import java.util.Locale;

/**
 * What Docker's answers look like, and the one line for an answer that is not what was asked
 * for: one place, so discovery and the capability checks ({@code doctor}) judge alike.
 */
public final class DockerAnswers {
    private DockerAnswers() {
    }

    /**
     * Docker's own error: a JSON object with a {@code message}, as the engine sends for a 404
     * or a refusal by an authorization plugin.
     *
     * @param answer the answer
     * @return true when it is shaped like one
     */
    public static boolean isDockerError(RawResponse answer) {
        String body = answer.body() == null ? "" : answer.body().strip();
        return !answer.cut() && answer.contentType().toLowerCase(Locale.ROOT).contains("json") && body.startsWith("{") && body.contains("\"message\"");
    }

    /**
     * The one line for an answer that is not Docker's.
     *
     * @param transport the target's transport
     * @param request the request, as {@link AnswerExcerpt#request} names it
     * @param body what came back
     * @return the message
     */
    public static String notDocker(Transport transport, String request, String body) {
        return "The answer from " + transport.describe() + " to " + request + " is not Docker's: "
                + (body == null || body.isBlank() ? "(an empty body)" : AnswerExcerpt.of(body))
                + " — check that the address is a Docker socket proxy or a Docker engine";
    }

    /**
     * The failure for a non-2xx answer where the whole answer was needed.
     *
     * @param answer the answer
     * @param transport the target's transport
     * @return the exception to report
     */
    static DockerAccessException failed(RawResponse answer, Transport transport) {
        String request = AnswerExcerpt.request(answer.method(), answer.path());
        String where = transport.describe();
        int status = answer.status();
        String excerpt = AnswerExcerpt.of(answer.body());
        if (status == 401 || status == 403 || status == 405 || status == 407) {
            return new DockerAccessException(Kind.DENIED, where + " refused " + request + " (HTTP " + status + ": " + excerpt
                    + ") — run scanopy-daemon doctor for what to allow", null);
        }
        if (status >= 500) {
            return new DockerAccessException(Kind.OTHER, where + " answered " + request + " with HTTP " + status + " (" + excerpt
                    + ") — the proxy or engine failed; check its logs", null);
        }
        if (isDockerError(answer)) {
            return new DockerAccessException(Kind.OTHER, "Docker at " + where + " refused " + request + " (HTTP " + status + ": " + excerpt + ")", null);
        }
        return new DockerAccessException(Kind.NOT_DOCKER, notDocker(transport, request + " (HTTP " + status + ")", answer.body()), null);
    }
}
