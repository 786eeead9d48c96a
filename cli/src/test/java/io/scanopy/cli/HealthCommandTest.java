package io.scanopy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanopy.engine.live.LiveInventory;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.server.DaemonServer;
import io.scanopy.server.ServerSettings;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code health} against the daemon's real HTTP server (its real inventory, targets set to each
 * state), against another program on the port, and against nothing: exit 0 only when every
 * target is followed or polled, 1 with one line why otherwise.
 */
class HealthCommandTest {

    private static CliErrorsTest.Run health(Map<String, String> env, String... args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "health";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return CliErrorsTest.run(env, withCommand);
    }

    @Test
    void healthyOnlyWhileEveryTargetIsFollowedOrPolled() throws Exception {
        LiveInventory inventory = new LiveInventory(Clock.systemUTC(), 16);
        inventory.register("proxy-a");
        inventory.setState("proxy-a", TargetHealth.State.CONNECTED, null);
        inventory.register("proxy-b");
        inventory.setState("proxy-b", TargetHealth.State.POLLING, "GET /events denied");
        try (DaemonServer server = new DaemonServer(inventory, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new ServerSettings("127.0.0.1", 0, null, false))) {
            server.start();
            String port = String.valueOf(server.port());

            CliErrorsTest.Run healthy = health(Map.of("SCANOPY_DAEMON_PORT", port));
            assertEquals(HealthCommand.EXIT_HEALTHY, healthy.code(), healthy.err());
            assertEquals("healthy: 2 target(s) ready\n", healthy.out());

            inventory.setState("proxy-b", TargetHealth.State.RECONNECTING, "Connection refused");
            inventory.register("proxy-c");
            CliErrorsTest.Run unhealthy = health(Map.of("SCANOPY_DAEMON_PORT", port));
            assertEquals(HealthCommand.EXIT_UNHEALTHY, unhealthy.code(), unhealthy.err());
            assertEquals("unhealthy: proxy-b is reconnecting (Connection refused); proxy-c is connecting\n", unhealthy.out());

            // Listening on every address: asked on loopback. The flag wins over the environment, as for run.
            CliErrorsTest.Run wildcard = health(Map.of("SCANOPY_BIND_ADDRESS", "0.0.0.0", "SCANOPY_DAEMON_PORT", "1"), "--daemon-port", port);
            assertEquals(unhealthy, wildcard);
        }
    }

    /** Another program on the daemon's port: a real HTTP server giving every request one answer. */
    private static HttpServer answering(int status, String page) throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        other.start();
        return other;
    }

    @Test
    void anotherProgramOnThePortIsUnhealthySayingWhatItAnswered() throws Exception {
        HttpServer page = answering(200, "<html>not the daemon</html>");
        try {
            String port = String.valueOf(page.getAddress().getPort());
            CliErrorsTest.Run notJson = health(Map.of("SCANOPY_DAEMON_PORT", port));
            assertEquals(HealthCommand.EXIT_UNHEALTHY, notJson.code(), notJson.err());
            assertEquals("unhealthy: http://127.0.0.1:" + port + "/api/health did not answer as the daemon's health endpoint does\n", notJson.out());
        } finally {
            page.stop(0);
        }
        HttpServer failing = answering(503, "");
        try {
            String port = String.valueOf(failing.getAddress().getPort());
            CliErrorsTest.Run status = health(Map.of("SCANOPY_DAEMON_PORT", port));
            assertEquals(HealthCommand.EXIT_UNHEALTHY, status.code(), status.err());
            assertEquals("unhealthy: the daemon at http://127.0.0.1:" + port + "/api/health answered HTTP 503\n", status.out());
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void noAnswerIsUnhealthyNamingTheAddress() throws Exception {
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        CliErrorsTest.Run refused = health(Map.of(), "--daemon-port", String.valueOf(free));
        assertEquals(HealthCommand.EXIT_UNHEALTHY, refused.code(), refused.err());
        assertTrue(refused.out().startsWith("unhealthy: no answer from http://127.0.0.1:" + free + "/api/health (ConnectException: Connection refused) — "), refused.out());
        assertEquals(1, refused.out().lines().count(), refused.out());
    }

    @Test
    void aBadSettingIsUnhealthyInOneLineAndABadCommandLineIsUsage() {
        // The image's HEALTHCHECK sees the environment: Docker reserves exit 2, so a setting is exit 1.
        CliErrorsTest.Run badPort = health(Map.of("SCANOPY_DAEMON_PORT", "http"));
        assertEquals(HealthCommand.EXIT_UNHEALTHY, badPort.code(), badPort.err());
        assertEquals("unhealthy: SCANOPY_DAEMON_PORT=http is not a port number: use 1-65535\n", badPort.out());
        CliErrorsTest.Run badTimeout = health(Map.of(), "--timeout", "0");
        assertEquals(ScanopyDaemon.EXIT_USAGE, badTimeout.code());
        assertEquals("scanopy-daemon: --timeout must be at least 1 (seconds)\n", badTimeout.err());
    }
}
