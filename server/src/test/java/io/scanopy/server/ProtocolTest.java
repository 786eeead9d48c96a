package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.spi.inventory.DockerEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP itself: unknown routes and methods, limits, HEAD, the headers on every answer. */
class ProtocolTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withKey();
        server.inventory.replaceAll(Records.TARGET, Records.engine(Records.container(Records.id('a', "1"), "web")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} is 404 JSON")
    @ValueSource(strings = {"/nope", "/api", "/api/inventory/", "/api/containers/", "/api/containers/a/b", "/index.html", "/io/scanopy/server/web/app.js"})
    void unknownRouteIs404Json(String path) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertJsonError(response, 404);
    }

    @ParameterizedTest(name = "{0} /api/inventory is 405 with Allow")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethodIs405WithAllow(String method) throws Exception {
        HttpResponse<String> response = server.send(server.request("/api/inventory").method(method, HttpRequest.BodyPublishers.noBody()));
        assertJsonError(response, 405);
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        byte[] body = new byte[FrontHandler.MAX_BODY_BYTES + 1];
        HttpResponse<String> response = server.send(server.request("/api/inventory").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertJsonError(response, 413);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        byte[] chunk = new byte[4096];
        Stream<byte[]> chunks = Stream.generate(() -> chunk).limit(FrontHandler.MAX_BODY_BYTES / chunk.length + 1);
        // No declared length: the JDK client sends it chunked.
        HttpResponse<String> response = server.send(server.request("/api/inventory")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(chunks::iterator))));
        assertJsonError(response, 413);
    }

    @Test
    void smallBodyIsNotRefusedForItsSize() throws Exception {
        HttpResponse<String> response = server.send(server.request("/api/inventory").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(405, response.statusCode(), "refused for its method, not its size");
    }

    @Test
    void hugeHeaderIs431Json() throws Exception {
        String answer = raw("GET /api/inventory HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        assertJsonBody(answer, 431);
    }

    @Test
    void hugeRequestLineIs414Json() throws Exception {
        // Jetty's parser says 414 URI Too Long for the request line, the precise status (RFC 9110).
        String answer = raw("GET /api/inventory?" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 414 "), answer);
        assertJsonBody(answer, 414);
    }

    @Test
    void malformedRequestIs400JsonWithoutJettyPage() throws Exception {
        String answer = raw("GET /api/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertJsonBody(answer, 400);
    }

    @Test
    void aFaultInARouteIs500JsonWithoutDetails() throws Exception {
        // An engine without reachedVia breaks health(): a real fault inside a route.
        try (TestServer broken = TestServer.withKey()) {
            DockerEngine good = Records.engine();
            broken.inventory.replaceAll(Records.TARGET, new DockerEngine(good.id(), good.name(), good.version(), good.apiVersion(),
                    good.os(), List.of(), good.capabilities(), good.containers(), good.networks(), good.notes()));
            HttpResponse<String> response = broken.send(broken.anonymous("/api/health"));
            assertJsonError(response, 500);
            assertFalse(response.body().contains("Exception") || response.body().contains("Index") || response.body().contains("at "), response.body());
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
        }
    }

    static Stream<Arguments> getRoutes() {
        return Stream.of(Arguments.of("/api/health"), Arguments.of("/api/inventory"), Arguments.of("/api/containers/" + Records.id('a', "1")),
                Arguments.of("/metrics"), Arguments.of("/api/sd/prometheus"), Arguments.of("/"), Arguments.of("/app.js"), Arguments.of("/style.css"),
                Arguments.of("/favicon.svg"), Arguments.of("/api/changes"));
    }

    @ParameterizedTest(name = "HEAD {0} answers like GET, without a body")
    @MethodSource("getRoutes")
    void headWorksWhereGetDoes(String path) throws Exception {
        HttpResponse<String> head = server.send(server.request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        if (!path.equals("/api/changes")) {
            HttpResponse<String> get = server.get(path);
            assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
        } else {
            assertEquals("text/event-stream", head.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
        }
    }

    @ParameterizedTest(name = "{0} carries the security headers and no server name")
    @ValueSource(strings = {"/api/health", "/api/inventory", "/", "/nope", "/metrics"})
    void everyAnswerCarriesSecurityHeaders(String path) throws Exception {
        for (HttpResponse<String> response : List.of(server.get(path), server.send(server.anonymous(path)))) {
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null), path);
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(null), path);
            assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
            assertTrue(response.headers().firstValue("Server").isEmpty(), path + ": " + response.headers().firstValue("Server"));
        }
    }

    @Test
    void errorsJettyAnswersCarrySecurityHeadersToo() throws Exception {
        String answer = raw("GET /api/inventory HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n").toLowerCase(Locale.ROOT);
        assertTrue(answer.contains("x-content-type-options: nosniff"), answer);
        assertFalse(answer.contains("server:"), answer);
        assertFalse(answer.contains("jetty"), answer);
    }

    /** Sends bytes as they are (the JDK client will not send a malformed or oversized request) and reads the answer. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    if (answer.toString(StandardCharsets.ISO_8859_1).contains("\"status\":")) {
                        break;
                    }
                }
            } catch (IOException e) {
                // The server may close the connection after a bad request: what arrived is the answer.
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertJsonBody(String rawAnswer, int status) throws IOException {
        String lower = rawAnswer.toLowerCase(Locale.ROOT);
        assertTrue(lower.contains("content-type: application/json"), rawAnswer);
        String body = rawAnswer.substring(rawAnswer.indexOf("\r\n\r\n") + 4);
        body = body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1);
        JsonNode json = InventoryJson.mapper().readTree(body);
        assertEquals(status, json.get("status").asInt());
        assertFalse(body.contains("at org.") || body.contains("Exception"), body);
    }

    private static void assertJsonError(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = TestServer.json(response);
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.get("error").isTextual());
    }
}
