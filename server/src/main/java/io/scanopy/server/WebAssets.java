package io.scanopy.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web page's files, read once from {@code io/scanopy/server/web/} on the classpath. A fixed
 * list rather than a directory lookup: nothing else on the classpath can be reached by a path.
 */
final class WebAssets {
    private static final String BASE = "/io/scanopy/server/web/";

    /** One file, with what the browser needs to use it. */
    record Asset(byte[] bytes, String contentType, String etag) implements Route {
        @Override
        public void handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.ETAG, etag);
            // Revalidated on every load: a daemon upgrade must not leave an old script running.
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            if (EntityTags.notModified(request, etag)) {
                Responses.empty(response, callback, HttpStatus.NOT_MODIFIED_304);
                return;
            }
            Responses.body(response, callback, HttpStatus.OK_200, contentType, bytes);
        }
    }

    private WebAssets() {
    }

    /**
     * @return the page's routes by path
     */
    static Map<String, Route> routes() {
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put("/", load("index.html", "text/html; charset=utf-8"));
        routes.put("/app.js", load("app.js", "text/javascript; charset=utf-8"));
        routes.put("/style.css", load("style.css", "text/css; charset=utf-8"));
        routes.put("/favicon.svg", load("favicon.svg", "image/svg+xml"));
        return routes;
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = WebAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the server jar lacks " + BASE + name);
            }
            byte[] bytes = in.readAllBytes();
            return new Asset(bytes, contentType, "\"" + HexFormat.of().formatHex(Sha256.of(bytes), 0, 16) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BASE + name, e);
        }
    }
}
