package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Who gets in: the key by header or by the page's cookie, and only /api/health without it. */
class AccessTest {
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

    static Stream<String> protectedPaths() {
        return Stream.of("/", "/app.js", "/style.css", "/api/inventory", "/api/containers/" + Records.id('a', "1"), "/api/changes",
                "/metrics", "/api/sd/prometheus", "/no/such/route");
    }

    @ParameterizedTest(name = "{0} without a key is 401 with WWW-Authenticate: Bearer")
    @MethodSource("protectedPaths")
    void withoutKeyIsRefused(String path) throws Exception {
        HttpResponse<String> response = server.send(server.anonymous(path));
        assertUnauthorized(response);
    }

    @ParameterizedTest(name = "{0} with a wrong key is 401")
    @MethodSource("protectedPaths")
    void wrongKeyIsRefused(String path) throws Exception {
        assertUnauthorized(server.send(server.anonymous(path).header("Authorization", "Bearer " + TestServer.KEY + "x")));
        assertUnauthorized(server.send(server.anonymous(path).header("Authorization", "Bearer " + TestServer.KEY.substring(1))));
        assertUnauthorized(server.send(server.anonymous(path).header("Authorization", "Basic " + TestServer.KEY)));
        assertUnauthorized(server.send(server.anonymous(path).header("Cookie", ApiKeyCheck.COOKIE + "=" + TestServer.KEY)));
    }

    static Stream<Arguments> readablePaths() {
        return Stream.of(Arguments.of("/", 200), Arguments.of("/api/inventory", 200), Arguments.of("/api/containers/" + Records.id('a', "1"), 200),
                Arguments.of("/metrics", 200), Arguments.of("/api/sd/prometheus", 200), Arguments.of("/no/such/route", 404));
    }

    @ParameterizedTest(name = "{0} with the key in the header is {1}")
    @MethodSource("readablePaths")
    void rightKeyInHeaderGetsIn(String path, int status) throws Exception {
        assertEquals(status, server.send(server.anonymous(path).header("Authorization", "Bearer " + TestServer.KEY)).statusCode());
        assertEquals(status, server.send(server.anonymous(path).header("Authorization", "bearer  " + TestServer.KEY)).statusCode(), "scheme is case-insensitive");
    }

    @ParameterizedTest(name = "{0} with the cookie from /?key= is {1}")
    @MethodSource("readablePaths")
    void cookieFromLoginGetsIn(String path, int status) throws Exception {
        String cookie = loginCookie();
        assertEquals(status, server.send(server.anonymous(path).header("Cookie", "other=1; " + cookie)).statusCode());
    }

    @Test
    void healthNeedsNoKey() throws Exception {
        HttpResponse<String> response = server.send(server.anonymous("/api/health"));
        assertEquals(200, response.statusCode());
        assertEquals("up", TestServer.json(response).get("status").asText());
    }

    @Test
    void loginWithRightKeySetsCookieAndRedirectsToThePage() throws Exception {
        HttpResponse<String> response = server.send(server.anonymous("/?key=" + TestServer.KEY));
        assertEquals(303, response.statusCode());
        assertEquals("/", response.headers().firstValue("Location").orElseThrow(), "the key must leave the address bar");
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        List<String> attributes = List.of(setCookie.split(";\\s*"));
        assertTrue(attributes.get(0).startsWith(ApiKeyCheck.COOKIE + "="), setCookie);
        assertTrue(attributes.contains("HttpOnly"), setCookie);
        assertTrue(attributes.contains("SameSite=Strict"), setCookie);
        assertTrue(attributes.contains("Path=/"), setCookie);
        assertFalse(setCookie.contains(TestServer.KEY), "the cookie holds a digest, not the key");
    }

    @Test
    void loginWithWrongKeyIsRefused() throws Exception {
        HttpResponse<String> response = server.send(server.anonymous("/?key=nope"));
        assertUnauthorized(response);
        assertTrue(response.headers().firstValue("Set-Cookie").isEmpty());
    }

    @Test
    void keyIsNeverEchoed() throws Exception {
        for (String path : List.of("/?key=" + TestServer.KEY + "x", "/api/inventory?key=" + TestServer.KEY, "/no/such/" + TestServer.KEY)) {
            HttpResponse<String> response = server.send(server.anonymous(path).header("Authorization", "Bearer " + TestServer.KEY + "x"));
            assertFalse(response.body().contains(TestServer.KEY), path + ": " + response.body());
            assertFalse(response.headers().map().toString().contains(TestServer.KEY), path + ": " + response.headers().map());
        }
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertFalse(new ServerSettings("127.0.0.1", 0, TestServer.KEY, false).toString().contains(TestServer.KEY));
    }

    @Test
    void openServerNeedsNoKey() throws Exception {
        try (TestServer open = TestServer.open()) {
            assertEquals(200, open.send(open.anonymous("/api/inventory")).statusCode());
            assertEquals(200, open.send(open.anonymous("/")).statusCode());
        }
    }

    private static String loginCookie() throws Exception {
        String setCookie = server.send(server.anonymous("/?key=" + TestServer.KEY)).headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static void assertUnauthorized(HttpResponse<String> response) throws Exception {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(null));
        JsonNode body = TestServer.json(response);
        assertEquals(401, body.get("status").asInt());
        assertTrue(body.get("error").isTextual());
    }
}
