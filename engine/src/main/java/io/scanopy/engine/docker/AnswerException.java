package io.scanopy.engine.docker;

import java.io.IOException;
import java.time.Duration;

/**
 * A request to a Docker API that ended because of its answer, not the network: it did not come
 * in time, it was larger than its cap, or it was not HTTP. Raised inside the HTTP client (so it
 * travels through docker-java and httpclient5 as an {@link IOException}) and turned into one
 * line for the user by {@link ConnectionErrors}.
 */
final class AnswerException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the answer was given up on. */
    enum Kind {
        /** The request's deadline passed; {@link #stage()} says where it stood. */
        DEADLINE,
        /** The body was larger than the cap for that request. */
        TOO_LARGE,
        /** What came back was not an HTTP answer (or broke HTTP's limits). */
        NOT_HTTP,
        /** The connection closed before the answer was complete; {@link #stage()} says where it stood. */
        CUT
    }

    /** Where a request stood when its deadline passed. */
    enum Stage {
        NOT_SENT("before it could be sent: the time for the target was used up"),
        CONNECT("connecting"),
        HEADERS("waiting for the status line and headers"),
        BODY("reading the body");

        private final String doing;

        Stage(String doing) {
            this.doing = doing;
        }

        /** @return what the request was doing, for messages */
        String doing() {
            return doing;
        }
    }

    private final Kind kind;
    private final String request;
    private final Stage stage;
    private final Duration deadline;
    private final long cap;
    private final String excerpt;

    private AnswerException(Kind kind, String request, Stage stage, Duration deadline, long cap, String excerpt) {
        super(request + ": " + kind);
        this.kind = kind;
        this.request = request;
        this.stage = stage;
        this.deadline = deadline;
        this.cap = cap;
        this.excerpt = excerpt;
    }

    static AnswerException deadline(String request, Stage stage, Duration deadline) {
        return new AnswerException(Kind.DEADLINE, request, stage, deadline, 0, null);
    }

    static AnswerException tooLarge(String request, long cap) {
        return new AnswerException(Kind.TOO_LARGE, request, null, null, cap, null);
    }

    static AnswerException notHttp(String request, String excerpt) {
        return new AnswerException(Kind.NOT_HTTP, request, null, null, 0, excerpt);
    }

    static AnswerException cut(String request, Stage stage) {
        return new AnswerException(Kind.CUT, request, stage, null, 0, null);
    }

    /** @return this, naming the request (the parser that raises it does not know it) */
    AnswerException named(String name) {
        return request != null ? this : new AnswerException(kind, name, stage, deadline, cap, excerpt);
    }

    Kind kind() {
        return kind;
    }

    /** @return the request as {@code METHOD /path}, without version prefix, query or ids */
    String request() {
        return request;
    }

    Stage stage() {
        return stage;
    }

    Duration deadline() {
        return deadline;
    }

    long cap() {
        return cap;
    }

    /** @return the first bytes that came back, escaped, for {@link Kind#NOT_HTTP} */
    String excerpt() {
        return excerpt;
    }
}
