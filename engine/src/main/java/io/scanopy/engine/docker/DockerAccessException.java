package io.scanopy.engine.docker;

/**
 * The Docker API of a target cannot be used. The message is one actionable line for the user;
 * {@link #kind()} says what went wrong, for exit codes, reports and tests.
 */
public class DockerAccessException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The target's settings are unusable (bad URL, TLS files, ...). */
        CONFIGURATION,
        /** The unix socket path does not exist. */
        SOCKET_MISSING,
        /** The path exists but is not a socket. */
        NOT_A_SOCKET,
        /** The socket exists but this process may not use it. */
        PERMISSION_DENIED,
        /** Nothing listens at the TCP address. */
        CONNECTION_REFUSED,
        /** The host name does not resolve. */
        HOST_NOT_FOUND,
        /** No answer in time. */
        TIMEOUT,
        /** The TLS handshake failed. */
        TLS,
        /** A required endpoint was refused. */
        DENIED,
        /** What answered is not a Docker API (an error page, garbage, an answer larger than any Docker sends). */
        NOT_DOCKER,
        /** Anything else. */
        OTHER
    }

    private final Kind kind;

    /**
     * @param kind what went wrong
     * @param message the actionable message
     * @param cause the underlying error, or null
     */
    public DockerAccessException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * @return what went wrong
     */
    public Kind kind() {
        return kind;
    }
}
