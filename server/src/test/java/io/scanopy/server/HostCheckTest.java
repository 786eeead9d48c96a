package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An open daemon answers only to loopback names, so a rebound DNS name cannot read it through a browser. */
class HostCheckTest {

    @ParameterizedTest(name = "open daemon, Host {0} -> {1}")
    @CsvSource({
            "localhost:60073,     200",
            "127.0.0.1:60073,     200",
            "127.0.0.7,           200",
            "[::1]:60073,         200",
            "app.localhost,       200",
            "evil.example:60073,  403",
            "127.0.0.1.evil.example, 403",
            "10.0.0.5:60073,      403"})
    void anOpenDaemonAnswersOnlyToLoopbackNames(String host, int status) throws Exception {
        try (TestServer server = TestServer.open()) {
            String answer = get(server, host, null);
            assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
            if (status == 403) {
                assertTrue(answer.contains("DNS rebinding") && answer.contains("SCANOPY_DAEMON_API_KEY"), answer);
            }
        }
    }

    @ParameterizedTest(name = "daemon with a key, Host {0}")
    @CsvSource({"evil.example:60073", "scanopy.lan"})
    void aDaemonWithAKeyServesAnyName(String host) throws Exception {
        try (TestServer server = TestServer.withKey()) {
            String answer = get(server, host, TestServer.KEY);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    /** The JDK client will not set Host: a raw request does. */
    private static String get(TestServer server, String host, String key) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/inventory HTTP/1.1\r\nHost: " + host + "\r\n" + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
