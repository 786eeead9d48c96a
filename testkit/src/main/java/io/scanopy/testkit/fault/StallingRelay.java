package io.scanopy.testkit.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A fault injector: a plain relay on 127.0.0.1 to a real Docker socket that can be told to go
 * silent, standing in for a proxy or network that stops passing bytes while keeping its
 * connections open — which no real proxy does on demand. Until {@link #stall} it forwards every
 * byte both ways, untouched. Stalled, it holds every byte on every connection, old and new
 * (an open event stream goes silent, new requests are accepted and never answered), or, with
 * {@link Mode#ALL_BUT_PING}, lets {@code GET /_ping} through and holds everything else. It closes
 * itself, and all it holds, after its lifetime.
 */
public final class StallingRelay implements AutoCloseable {
    /** What the relay passes. */
    public enum Mode {
        /** Every byte, both ways. */
        FORWARD,
        /** Nothing: every connection, open or new, goes silent. */
        NOTHING,
        /** Requests for {@code /_ping} and their answers; everything else is held. */
        ALL_BUT_PING
    }

    private static final Pattern PING = Pattern.compile("^(GET|HEAD) (/v[0-9.]+)?/_ping[ ?]");

    private final Path socket;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final long endsAt;
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    private StallingRelay(Path socket, Duration lifetime) throws IOException {
        this.socket = socket;
        this.endsAt = System.nanoTime() + lifetime.toNanos();
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        daemon(this::accept, "relay-" + server.getLocalPort());
        daemon(() -> {
            try {
                Thread.sleep(lifetime.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close();
        }, "relay-reaper-" + server.getLocalPort());
    }

    /**
     * @param dockerSocket the engine's socket
     * @return a running relay, forwarding (close it)
     * @throws IOException when no port can be bound
     */
    public static StallingRelay start(Path dockerSocket) throws IOException {
        return new StallingRelay(dockerSocket, FaultServer.DEFAULT_LIFETIME);
    }

    /**
     * @return {@code http://127.0.0.1:PORT}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * @param mode what to pass from now on (held bytes are released when forwarding again)
     */
    public void stall(Mode mode) {
        this.mode = mode;
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                daemon(() -> relay(client), "relay-conn-" + client.getPort());
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client; SocketChannel docker = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            boolean[] ping = {false};
            // The channel itself, not Channels' streams: those lock the channel while a read blocks, and the other direction with it.
            InputStream fromDocker = new InputStream() {
                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return docker.read(java.nio.ByteBuffer.wrap(b, off, len));
                }
            };
            OutputStream toDocker = new OutputStream() {
                @Override
                public void write(int b) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) {
                        docker.write(buffer);
                    }
                }
            };
            Thread back = new Thread(() -> pump(fromDocker, outputOf(client), ping, false), "relay-back");
            back.setDaemon(true);
            back.start();
            pump(client.getInputStream(), toDocker, ping, true);
        } catch (IOException e) {
            // Either side closed: the connection is over.
        } finally {
            open.remove(client);
        }
    }

    /** Copies one direction, holding each chunk while the mode says so; requests mark whether the exchange is a ping. */
    private void pump(InputStream in, OutputStream out, boolean[] ping, boolean requests) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while (!closed && (n = in.read(buffer)) != -1) {
                if (requests) {
                    ping[0] = PING.matcher(new String(buffer, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1)).find();
                }
                while (!closed && System.nanoTime() < endsAt && (mode == Mode.NOTHING || mode == Mode.ALL_BUT_PING && !ping[0])) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // Either side closed.
        }
    }

    private static OutputStream outputOf(Socket client) {
        try {
            return client.getOutputStream();
        } catch (IOException e) {
            return OutputStream.nullOutputStream();
        }
    }

    /** Closes the relay and every connection it holds. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closed either way.
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // Closed either way.
            }
        }
    }
}
