package io.scanopy.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanopy.engine.json.InventoryJson;
import io.scanopy.engine.live.LiveInventory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/** A real server on a free loopback port over a real live inventory, and a JDK client for it. */
final class TestServer implements AutoCloseable {
    static final String KEY = "s3cret-key-for-tests";
    /** Small, so a test can push a client out of it. */
    static final int WINDOW = 50;

    final LiveInventory inventory = new LiveInventory(Clock.systemUTC(), WINDOW);
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final DaemonServer server;
    final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String key;

    private TestServer(String key, ChangeStream.Options options) throws IOException {
        this.key = key;
        server = new DaemonServer(inventory, metrics, new ServerSettings("127.0.0.1", 0, key, false), options);
        server.start();
    }

    /** A server requiring {@link #KEY}. */
    static TestServer withKey() throws IOException {
        return new TestServer(KEY, ChangeStream.Options.DEFAULT);
    }

    static TestServer withKey(ChangeStream.Options options) throws IOException {
        return new TestServer(KEY, options);
    }

    /** A server without a key. */
    static TestServer open() throws IOException {
        return new TestServer(null, ChangeStream.Options.DEFAULT);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /** A request carrying the key, when there is one. */
    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }

    /** A request without credentials. */
    HttpRequest.Builder anonymous(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the key. */
    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(request(pathAndQuery));
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return InventoryJson.mapper().readTree(response.body());
    }

    @Override
    public void close() {
        server.close();
    }
}
