package io.scanopy.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanopy.engine.live.LiveInventory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP side, on Jetty's core handlers: the JSON API over the live inventory, its
 * changes as Server-Sent Events, Prometheus metrics and service discovery, and the web page.
 * Everything but {@code /api/health} requires the API key when one is set.
 */
public final class DaemonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonServer.class);
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Request line and headers together; beyond it Jetty answers 431. */
    static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;

    private final ServerSettings settings;
    private final ChangeStream changes;
    private final Server server;
    private final ServerConnector connector;

    /**
     * @param inventory the live inventory the API shows
     * @param metrics the registry {@code /metrics} exposes
     * @param settings where to listen and the key
     */
    public DaemonServer(LiveInventory inventory, PrometheusMeterRegistry metrics, ServerSettings settings) {
        this(inventory, metrics, settings, ChangeStream.Options.DEFAULT);
    }

    DaemonServer(LiveInventory inventory, PrometheusMeterRegistry metrics, ServerSettings settings, ChangeStream.Options streamOptions) {
        this.settings = settings;
        this.changes = new ChangeStream(inventory, streamOptions);
        Gauge.builder("scanopy.http.event.streams", changes, ChangeStream::clients)
                .description("Clients following /api/changes")
                .register(metrics);

        Router router = new Router()
                .getOpen("/api/health", new HealthEndpoint(inventory))
                .get("/api/inventory", new InventoryEndpoint(inventory))
                .getUnder(ContainerEndpoint.PREFIX, new ContainerEndpoint(inventory))
                .get("/api/changes", changes)
                .get("/api/sd/prometheus", (request, response, callback) ->
                        Responses.json(response, callback, HttpStatus.OK_200, ScrapeTargets.from(inventory.snapshot().inventory())))
                .get("/metrics", (request, response, callback) ->
                        Responses.body(response, callback, HttpStatus.OK_200, METRICS_CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8)));
        WebAssets.routes().forEach(router::get);

        QueuedThreadPool threads = new QueuedThreadPool(streamOptions.maxClients() + 32, 4);
        threads.setName("scanopy-http");
        // Streams end as soon as close() asks; this bounds the wait for anything else.
        threads.setStopTimeout(1000);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.port());
        server.addConnector(connector);
        server.setHandler(new FrontHandler(router, new ApiKeyCheck(settings.apiKey())));
        server.setErrorHandler(new JsonErrorHandler());
        // No graceful phase: idle keep-alive connections would hold stop() for its whole timeout.
        server.setStopTimeout(0);
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public void start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw new IOException("cannot listen on " + settings.bindAddress() + ":" + settings.port() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("the HTTP server did not start", e);
        }
        LOG.info("HTTP API on {} (API key: {})", url(), !settings.keyRequired() ? "none, open to anyone who can connect" : settings.keyGenerated() ? "generated" : "configured");
    }

    /**
     * @return the port listened on (the one picked when the settings said 0)
     */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * @return the server's base address, ending with {@code /}; a wildcard bind address is
     *     shown as loopback, the address a browser on the host can open
     */
    public String url() {
        String host = settings.bindAddress();
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                host = "127.0.0.1";
            } else if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
        } catch (UnknownHostException e) {
            // A host name that does not resolve here: shown as configured.
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Ends the event streams, then stops; returns within about a second. */
    @Override
    public void close() {
        changes.close();
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
        }
    }
}
