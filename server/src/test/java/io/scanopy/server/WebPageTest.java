package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The page and its assets: content types, a strict policy, nothing from elsewhere. */
class WebPageTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> assets() {
        return Stream.of(Arguments.of("/", "text/html; charset=utf-8", "<script src=\"/app.js\""),
                Arguments.of("/app.js", "text/javascript; charset=utf-8", "new EventSource('/api/changes')"),
                Arguments.of("/style.css", "text/css; charset=utf-8", "#containers"),
                Arguments.of("/favicon.svg", "image/svg+xml", "<svg"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("assets")
    void assetsAreServedWithTheirTypeAndPolicy(String path, String contentType, String sample) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertEquals(200, response.statusCode());
        assertEquals(contentType, response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().contains(sample), path);
        String policy = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        List<String> directives = Arrays.stream(policy.split(";")).map(String::strip).toList();
        assertTrue(directives.contains("default-src 'none'"), policy);
        assertTrue(directives.contains("script-src 'self'"), policy);
        assertTrue(directives.contains("connect-src 'self'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval") || policy.contains("*"), policy);
        String etag = response.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, server.send(server.request(path).header("If-None-Match", etag)).statusCode());
    }

    @Test
    void pageNeedsNoInlineScriptStyleOrOtherOrigin() throws Exception {
        String html = server.get("/").body();
        assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), "every script is a file");
        assertFalse(html.contains("<style") || html.contains("style=") || html.contains(" on"), "no inline style or handlers");
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("//cdn"), "nothing from elsewhere");
    }

    @Test
    void scriptKeepsDataOutOfMarkup() throws Exception {
        String js = server.get("/app.js").body();
        assertFalse(js.contains("innerHTML") || js.contains("outerHTML") || js.contains("insertAdjacentHTML") || js.contains("eval("),
                "inventory strings only ever become text");
        assertTrue(js.contains("data-container-id") && js.contains("className: 'name'"), "the DOM contract the browser test uses");
    }
}
