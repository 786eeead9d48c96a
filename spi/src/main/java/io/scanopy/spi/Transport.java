package io.scanopy.spi;

import java.nio.file.Path;
import java.util.Objects;

/** How the engine reaches a Docker API: a unix socket, or TCP with or without TLS. */
public sealed interface Transport {

    /**
     * A short description for messages and the inventory, for example
     * {@code unix:///var/run/docker.sock} or {@code https://proxy:2376}.
     *
     * @return the address as a URL-like string
     */
    String describe();

    /**
     * A unix domain socket.
     *
     * @param socket the socket path
     */
    record UnixSocket(Path socket) implements Transport {
        /** Validates. */
        public UnixSocket {
            Objects.requireNonNull(socket, "socket");
        }

        @Override
        public String describe() {
            return "unix://" + socket;
        }
    }

    /**
     * A TCP connection, plain HTTP when {@code tls} is null, HTTPS otherwise.
     *
     * @param host the host name or address
     * @param port the TCP port
     * @param tls the TLS files, or {@code null} for plain HTTP
     */
    record Tcp(String host, int port, TlsFiles tls) implements Transport {
        /** Validates. */
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        @Override
        public String describe() {
            return (tls == null ? "http://" : "https://") + host + ":" + port;
        }
    }
}
