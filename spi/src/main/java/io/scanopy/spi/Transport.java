package io.scanopy.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the engine reaches a Docker API: a unix socket, TCP with or without TLS, or (since SPI 1.5)
 * a byte stream the plugin opens itself ({@link Connected}).
 */
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

    /**
     * A connection the plugin makes itself, for a way of reaching Docker the engine does not
     * know (an SSH channel to the remote {@code /var/run/docker.sock}, {@code docker system
     * dial-stdio}, ...). The engine speaks HTTP/1.1 to the Docker API over each stream the
     * connector opens, exactly as over a unix socket, and keeps its own deadlines: it closes a
     * stream whose request runs out of time.
     *
     * @param address what is reached, for messages and the inventory, for example
     *     {@code ssh://docker-host:22}; never with a password or key material
     * @param connector opens the streams; called for every new connection, from several threads
     * @since SPI 1.5
     */
    record Connected(String address, Connector connector) implements Transport {
        /** Validates. */
        public Connected {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(connector, "connector");
        }

        @Override
        public String describe() {
            return address;
        }
    }

    /**
     * Opens byte streams to a Docker API on behalf of a {@link Connected} transport.
     *
     * @since SPI 1.5
     */
    @FunctionalInterface
    interface Connector {
        /**
         * Opens one new stream to the Docker API. Thread-safe; may reuse whatever it keeps open
         * (one SSH session for many channels, say).
         *
         * @param timeout the time connecting may take
         * @return an open stream
         * @throws ConnectFailure when the connection cannot be made and the plugin can say why
         *     in one line; the engine shows its message as it is
         * @throws IOException for any other failure; the engine describes it
         */
        ByteStream open(Duration timeout) throws IOException;
    }

    /**
     * One open byte stream to a Docker API. Closing it (or either of its streams) ends it, and
     * unblocks a read waiting on it.
     *
     * @since SPI 1.5
     */
    interface ByteStream extends Closeable {
        /**
         * @return what Docker sends
         */
        InputStream input();

        /**
         * @return what goes to Docker
         */
        OutputStream output();
    }

    /**
     * A connection a {@link Connector} could not make, explained by the plugin: one line that
     * says what failed and what to do (for example which file to fix), with no secret in it.
     *
     * @since SPI 1.5
     */
    final class ConnectFailure extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message the one-line explanation shown to the user
         * @param cause the underlying failure, or null; its message is not shown
         */
        public ConnectFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
