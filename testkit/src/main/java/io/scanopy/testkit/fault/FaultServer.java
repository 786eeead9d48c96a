package io.scanopy.testkit.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault injector: a small HTTP-ish server on 127.0.0.1 standing in for a proxy or network
 * that misbehaves in one way ({@link Fault}), which no real proxy can be made to do on demand.
 * Everything else in a test that uses it is real. It is bounded in time: it closes itself, and
 * every connection it holds, after its lifetime (two minutes by default), so a test that forgets
 * it, or a client that never gives up, leaves nothing behind for long.
 */
public final class FaultServer implements AutoCloseable {
    /** How long a server lives unless closed sooner. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(2);
    private static final byte[] HTML = "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n".getBytes(StandardCharsets.US_ASCII);

    private final Fault fault;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final long endsAt;
    private volatile boolean closed;

    private FaultServer(Fault fault, Duration lifetime) throws IOException {
        this.fault = fault;
        this.endsAt = System.nanoTime() + lifetime.toNanos();
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        Thread acceptor = new Thread(this::accept, "fault-" + fault + "-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        Thread reaper = new Thread(() -> {
            try {
                Thread.sleep(lifetime.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close();
        }, "fault-reaper-" + server.getLocalPort());
        reaper.setDaemon(true);
        reaper.start();
    }

    /**
     * Starts a server on a free port of 127.0.0.1.
     *
     * @param fault what it does
     * @return the running server (close it)
     * @throws IOException when no port can be bound
     */
    public static FaultServer start(Fault fault) throws IOException {
        return new FaultServer(fault, DEFAULT_LIFETIME);
    }

    /**
     * @param fault what it does
     * @param lifetime when it closes itself at the latest
     * @return the running server (close it)
     * @throws IOException when no port can be bound
     */
    public static FaultServer start(Fault fault, Duration lifetime) throws IOException {
        return new FaultServer(fault, lifetime);
    }

    /**
     * @return {@code http://127.0.0.1:PORT}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * @return connections accepted so far
     */
    public int connections() {
        return connections.get();
    }

    /**
     * @return the request lines received so far ({@code GET /_ping HTTP/1.1})
     */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * @return connections still open
     */
    public int openConnections() {
        return open.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread t = new Thread(() -> serve(socket), "fault-conn-" + server.getLocalPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                String requestLine = readHead(in);
                if (requestLine == null) {
                    return;
                }
                requests.add(requestLine);
                if (!answer(requestLine, out)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client gave up or the server closed: either way this connection is over.
        } finally {
            open.remove(socket);
        }
    }

    /** Reads a request's head (and a small body, by Content-Length); null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > 64 * 1024) {
                return null;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(Math.min(length, 64 * 1024));
        return text.substring(0, text.indexOf("\r\n"));
    }

    /** Answers one request as the fault says; false when the connection is to be closed. */
    private boolean answer(String requestLine, OutputStream out) throws IOException, InterruptedException {
        switch (fault) {
            case SLOW_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
                out.write('[');
                out.flush();
                while (alive()) {
                    trickle(out, ' ');
                }
                return false;
            }
            case SLOWLORIS -> {
                write(out, "HTTP/1.1 200 OK\r\nX-Slow: ");
                while (alive()) {
                    trickle(out, 'a');
                }
                return false;
            }
            case ACCEPT_AND_HANG -> {
                hang();
                return false;
            }
            case GARBAGE -> {
                write(out, "\u0000\u0007\u001b[2J\u001b]0;garbage\u0007 SSH-2.0-not-http\r\nmore garbage\r\n\r\n");
                return false;
            }
            case HTTP_500 -> {
                byte[] body = "Internal Server Error\n".getBytes(StandardCharsets.US_ASCII);
                write(out, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n");
                out.write(body);
                out.flush();
                return true;
            }
            case HTML_200 -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + HTML.length + "\r\n\r\n");
                out.write(HTML);
                out.flush();
                return true;
            }
            case OVERSIZED_BODY -> {
                long size = 50L * 1000 * 1000;
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + size + "\r\n\r\n");
                jsonArray(out, size);
                return true;
            }
            case ENDLESS_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                byte[] item = "{\"Id\":\"0123456789abcdef0123456789abcdef\",\"Names\":[\"/x\"]},".repeat(1000).getBytes(StandardCharsets.US_ASCII);
                write(out, "1\r\n[\r\n");
                while (alive()) {
                    write(out, Integer.toHexString(item.length) + "\r\n");
                    out.write(item);
                    write(out, "\r\n");
                }
                return false;
            }
            case CLOSE_MID_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"Id\":\"x");
                return false;
            }
            case PING_ONLY -> {
                if (requestLine.matches("(GET|HEAD) (/v[0-9.]+)?/_ping(\\?.*)? HTTP/1\\.[01]")) {
                    write(out, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nOK");
                    return true;
                }
                hang();
                return false;
            }
            case HEADERS_THEN_SILENCE -> {
                write(out, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                hang();
                return false;
            }
            default -> throw new IllegalStateException(fault.toString());
        }
    }

    private boolean alive() {
        return !closed && System.nanoTime() < endsAt;
    }

    private void hang() throws InterruptedException {
        while (alive()) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static void trickle(OutputStream out, char c) throws IOException, InterruptedException {
        out.write(c);
        out.flush();
        TimeUnit.MILLISECONDS.sleep(200);
    }

    private void jsonArray(OutputStream out, long size) throws IOException {
        byte[] item = "{\"Id\":\"0123456789abcdef0123456789abcdef\",\"Names\":[\"/x\"]},".getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[item.length * 1000];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(item, 0, block, i * item.length, item.length);
        }
        out.write('[');
        long sent = 1;
        while (sent < size - 3 && alive()) {
            int n = (int) Math.min(block.length, size - 3 - sent);
            out.write(block, 0, n);
            sent += n;
        }
        // A valid end is beside the point: no client should read this far.
        out.write("{}]".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Closes the server and every connection it holds. */
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
