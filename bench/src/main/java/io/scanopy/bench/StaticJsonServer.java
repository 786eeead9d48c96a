package io.scanopy.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The HTTP floor for {@code GET /api/inventory}: a process that answers every GET with the same
 * bytes from memory, on the JDK's own HTTP server with 8 threads — the least any server can do
 * for that answer. Run beside the daemon, as a process of its own, by {@link DaemonProcessBenchmark}.
 */
public final class StaticJsonServer {
    private StaticJsonServer() {
    }

    /**
     * @param args the port (on 127.0.0.1) and the file whose bytes to serve
     * @throws IOException when the port or the file cannot be used
     */
    public static void main(String[] args) throws IOException {
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("ready");
    }
}
