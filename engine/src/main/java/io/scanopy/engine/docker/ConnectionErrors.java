package io.scanopy.engine.docker;

import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.spi.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns transport failures into one actionable line each, following the user guide's
 * Troubleshooting section. One place, so every plugin's target gets the same wording.
 */
final class ConnectionErrors {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private ConnectionErrors() {
    }

    /** Checks a unix socket path before connecting: a clear message beats a JNA errno. */
    static void checkSocket(Path socket) throws DockerAccessException {
        if (!Files.exists(socket)) {
            throw new DockerAccessException(Kind.SOCKET_MISSING, "Docker socket " + socket + " not found — is Docker running here? In a container, mount it: -v "
                    + socket + ":" + socket + ":ro", null);
        }
        if (!isSocket(socket)) {
            throw new DockerAccessException(Kind.NOT_A_SOCKET, socket + " exists but is not a socket — point DOCKER_HOST (unix://PATH) at Docker's socket; in a container, mount the host's socket file, not a directory or copy", null);
        }
    }

    private static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer m && (m & S_IFMT) != S_IFSOCK) {
                // A symlink to the socket is fine too.
                return (((Integer) Files.getAttribute(path, "unix:mode")) & S_IFMT) == S_IFSOCK;
            }
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return !Files.isRegularFile(path) && !Files.isDirectory(path);
        }
    }

    /** Maps a failure of a request on {@code transport} to a user-facing exception. */
    static DockerAccessException map(Throwable failure, Transport transport) {
        if (failure instanceof DockerAccessException e) {
            return e;
        }
        String where = transport.describe();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AnswerException answer) {
                return answerFailure(answer, transport, failure);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Transport.ConnectFailure explained) {
                // The plugin that made the connection knows best what went wrong, in one line.
                return new DockerAccessException(Kind.OTHER, "Cannot connect to " + where + ": " + explained.getMessage(), failure);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            if (t instanceof UnknownHostException) {
                return new DockerAccessException(Kind.HOST_NOT_FOUND, "Host not found: " + hostOf(transport)
                        + " (" + where + ") — check the name; the daemon must be on the same Docker network as the proxy, or use an address it can resolve", failure);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || lower.contains("connection refused")) {
                if (transport instanceof Transport.UnixSocket unix) {
                    return new DockerAccessException(Kind.CONNECTION_REFUSED, "Connection refused on Docker socket " + unix.socket() + " — is dockerd running?", failure);
                }
                return new DockerAccessException(Kind.CONNECTION_REFUSED, "Connection refused to " + where
                        + " — is the proxy (or Docker API) running (docker ps | grep proxy), listening on that port (curl " + plainUrl(transport) + "/version), and reachable from the daemon (same Docker network or a published port)?", failure);
            }
            if (lower.contains("permission denied") || lower.contains("eacces") || lower.contains("[13]")) {
                return new DockerAccessException(Kind.PERMISSION_DENIED, "Permission denied on Docker socket " + socketOf(transport)
                        + " — run the daemon as root or in the socket's group (docker run --group-add $(stat -c %g " + socketOf(transport) + ")), or use a socket proxy (SCANOPY_DOCKER_PROXY)", failure);
            }
            if (t instanceof SocketTimeoutException || lower.contains("timed out") || lower.contains("timeout")) {
                return new DockerAccessException(Kind.TIMEOUT, "No answer from " + where + " in time — check the address and any firewall between the daemon and Docker", failure);
            }
            if (t instanceof SSLException) {
                return tlsFailure((SSLException) t, transport, failure);
            }
            if (lower.contains("no such file") || lower.contains("enoent") || lower.contains("[2]")) {
                if (transport instanceof Transport.UnixSocket unix) {
                    return new DockerAccessException(Kind.SOCKET_MISSING, "Docker socket " + unix.socket() + " not found — is Docker running here? In a container, mount it: -v "
                            + unix.socket() + ":" + unix.socket() + ":ro", failure);
                }
            }
        }
        return new DockerAccessException(Kind.OTHER, "Cannot talk to Docker at " + where + ": " + rootMessage(failure), failure);
    }

    private static DockerAccessException answerFailure(AnswerException answer, Transport transport, Throwable failure) {
        String where = transport.describe();
        return switch (answer.kind()) {
            case DEADLINE -> new DockerAccessException(Kind.TIMEOUT, answer.stage() == AnswerException.Stage.CONNECT
                    ? "Could not connect to " + where + " for " + answer.request() + " within " + seconds(answer.deadline())
                            + " — check the address and any firewall between the daemon and Docker"
                    : "No complete answer from " + where + " to " + answer.request() + " within " + seconds(answer.deadline()) + " (stalled "
                            + answer.stage().doing() + ") — the proxy or engine accepts connections but does not answer in time; check it (--target-timeout sets the limit)",
                    failure);
            case TOO_LARGE -> new DockerAccessException(Kind.NOT_DOCKER, "The answer from " + where + " to " + answer.request() + " is larger than "
                    + size(answer.cap()) + ", more than any Docker engine sends for it; reading stopped there — check that the address is a Docker socket proxy or a Docker engine",
                    failure);
            case NOT_HTTP -> new DockerAccessException(Kind.NOT_DOCKER, "The answer from " + where + " to " + answer.request() + " is not Docker's: "
                    + answer.excerpt() + " — check that the address is a Docker socket proxy or a Docker engine (and http:// or https:// as it expects)", failure);
            case CUT -> new DockerAccessException(Kind.OTHER, where + " closed the connection before its answer to " + answer.request() + " was complete (while "
                    + answer.stage().doing() + ") — check the proxy's logs and anything between the daemon and Docker", failure);
        };
    }

    /** A deadline as a user set it: whole seconds where it is whole. */
    static String seconds(java.time.Duration d) {
        if (d == null) {
            return "its deadline";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String size(long bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes >= 1024 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    private static DockerAccessException tlsFailure(SSLException e, Transport transport, Throwable failure) {
        String where = transport.describe();
        String chain = transport instanceof Transport.Tcp tcp && tcp.tls() != null ? String.valueOf(tcp.tls().chain()) : "the CA chain";
        String cert = transport instanceof Transport.Tcp tcp && tcp.tls() != null ? String.valueOf(tcp.tls().certificate()) : "the client certificate";
        String lower = String.valueOf(rootMessage(e)).toLowerCase(Locale.ROOT);
        if (lower.contains("no subject alternative") || lower.contains("no name matching") || lower.contains("doesn't match any of the subject alternative names")
                || lower.contains("does not match") && lower.contains("name")) {
            return new DockerAccessException(Kind.TLS, "TLS host name mismatch: the certificate of " + where + " is not issued for " + hostOf(transport)
                    + " — connect with a name the server certificate lists (its subjectAltName), or reissue the certificate for this name", failure);
        }
        if (lower.contains("pkix") || lower.contains("unable to find valid certification path") || lower.contains("signature check failed")) {
            return new DockerAccessException(Kind.TLS, "TLS: the server certificate of " + where + " is not signed by the CA chain " + chain
                    + " — set SCANOPY_DOCKER_PROXY_SSL_CHAIN to the CA that signed the proxy's certificate (include intermediates)", failure);
        }
        if (lower.contains("certificate_expired") || lower.contains("certificate expired")) {
            return new DockerAccessException(Kind.TLS, "TLS: the server at " + where + " rejected the client certificate " + cert + " as expired — issue a new one", failure);
        }
        if (lower.contains("certificate_required") || lower.contains("bad_certificate") || lower.contains("unknown_ca") || lower.contains("certificate_unknown")) {
            return new DockerAccessException(Kind.TLS, "TLS: the server at " + where + " rejected the client certificate " + cert
                    + " (" + rootMessage(e) + ") — use a certificate signed by the CA the proxy trusts", failure);
        }
        if (lower.contains("unrecognized ssl message") || lower.contains("plaintext")) {
            return new DockerAccessException(Kind.TLS, "TLS: " + where + " does not speak TLS — use http:// for a plain proxy, or check the port", failure);
        }
        return new DockerAccessException(Kind.TLS, "TLS handshake with " + where + " failed: " + rootMessage(e)
                + " — check the certificate files: openssl x509 -in " + cert + " -text -noout", failure);
    }

    private static String hostOf(Transport transport) {
        return transport instanceof Transport.Tcp tcp ? tcp.host() : transport.describe();
    }

    private static String socketOf(Transport transport) {
        return transport instanceof Transport.UnixSocket unix ? unix.socket().toString() : transport.describe();
    }

    private static String plainUrl(Transport transport) {
        return transport.describe();
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
