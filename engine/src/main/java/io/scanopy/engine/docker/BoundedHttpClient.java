package io.scanopy.engine.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.UnixSocket;
import io.scanopy.engine.concurrent.DaemonThreads;
import io.scanopy.engine.docker.AnswerException.Stage;
import io.scanopy.spi.Transport;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentLengthStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpResponseInformationCallback;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicLineParser;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP client under every Docker request: httpclient5 set up as docker-java's own transport
 * sets it up (unix socket or TCP, TLS, one pool; or a plugin's own stream, {@link ConnectorSocket}), plus what that transport lacks. Each request
 * has a total deadline — connect, status line and headers, and body — kept by a watchdog that
 * aborts the exchange, so an answer sent one byte at a time ends when the deadline does, not
 * when the sender stops; a body larger than its cap ends with an error, never in memory; and an
 * answer that is not HTTP is reported with its first bytes instead of a parser's internals.
 * Streams (events, exec output) get a deadline for their headers only: they end when their
 * reader stops waiting.
 */
final class BoundedHttpClient implements DockerHttpClient {
    /** Longest status or header line accepted: Docker's are a few hundred bytes. */
    static final int MAX_LINE = 16 * 1024;
    /** Pooled connections idle this long are closed by the pool itself (a background sweep runs as often). */
    private static final TimeValue IDLE_EVICTION = TimeValue.ofMilliseconds(500);
    /** Most header lines accepted: Docker sends about ten. */
    static final int MAX_HEADERS = 200;

    private static final String WATCH = "scanopy.request-watch";
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    /**
     * How one request is bounded.
     *
     * @param deadline the time the request may take in all, or null for no deadline at all
     * @param limit the setting behind the deadline, as messages name it (the deadline may be less: what is left of a discovery's time)
     * @param bodyInDeadline whether the body must arrive by the deadline too (false for streams)
     * @param maxBody bytes of body read at most ({@link Long#MAX_VALUE}: no cap)
     */
    record Bounds(Duration deadline, Duration limit, boolean bodyInDeadline, long maxBody) {
    }

    /** Bounds each request, by its method and path. */
    interface Policy {
        Bounds of(String method, String path);
    }

    private final CloseableHttpClient client;
    private final HttpHost host;
    private final Policy policy;
    private final Duration connectTimeout;

    BoundedHttpClient(URI dockerHost, SSLContext ssl, Transport.Connector connector, int maxConnections, Duration connectTimeout, Duration idleTimeout, Policy policy) {
        this.policy = policy;
        this.connectTimeout = connectTimeout;
        boolean unix = "unix".equals(dockerHost.getScheme());
        boolean connected = connector != null;
        String socketPath = dockerHost.getPath();
        if (unix || connected) {
            host = new HttpHost(unix ? "unix" : "http", "localhost", 2375);
        } else if ("tcp".equals(dockerHost.getScheme())) {
            host = new HttpHost(ssl != null ? "https" : "http", dockerHost.getHost(), dockerHost.getPort());
        } else {
            throw new IllegalArgumentException("Unsupported protocol scheme: " + dockerHost);
        }
        TlsSocketStrategy tls = ssl != null ? new DefaultClientTlsStrategy(ssl) : DefaultClientTlsStrategy.createSystemDefault();
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> unix ? UnixSocket.get(socketPath) : connected ? new ConnectorSocket(connector) : proxy == null ? new Socket() : new Socket(proxy), null, null,
                name -> "https".equalsIgnoreCase(name) ? tls : null);
        Http1Config http1 = Http1Config.custom().setMaxLineLength(MAX_LINE).setMaxHeaderCount(MAX_HEADERS).build();
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(operator, null, null, null,
                new ManagedHttpClientConnectionFactory(http1, null, null, config -> new StrictResponseParser(config), BoundedHttpClient::length, null));
        connections.setMaxTotal(maxConnections);
        connections.setDefaultMaxPerRoute(maxConnections);
        connections.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setValidateAfterInactivity(TimeValue.NEG_ONE_SECOND)
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(idleTimeout))
                .build());
        this.client = HttpClients.custom()
                .setRequestExecutor(new StageTrackingExecutor())
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(idleTimeout)).build())
                // A retry would start the deadline's time over; a redirect would leave the target.
                .disableAutomaticRetries()
                // Proxies close idle client connections (HAProxy's http-keep-alive, often a few
                // seconds): the pool closes its own idle ones first, so a request never goes out on
                // a connection the peer already closed. Leased ones (the events stream) are untouched.
                .evictIdleConnections(IDLE_EVICTION)
                .disableRedirectHandling()
                .disableConnectionState()
                .build();
    }

    /** As docker-java's transport: {@code Transfer-Encoding: identity} means "read to the end". */
    private static long length(org.apache.hc.core5.http.HttpMessage message) throws HttpException {
        Header encoding = message.getFirstHeader("Transfer-Encoding");
        if (encoding != null && "identity".equalsIgnoreCase(encoding.getValue())) {
            return ContentLengthStrategy.UNDEFINED;
        }
        return DefaultContentLengthStrategy.INSTANCE.determineLength(message);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("request-deadline"));
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Override
    public Response execute(Request request) {
        if (request.hijackedInput() != null) {
            throw new UnsupportedOperationException("stdin is never attached to an exec");
        }
        Bounds bounds = policy.of(request.method(), request.path());
        String name = AnswerExcerpt.request(request.method(), request.path());
        if (bounds.deadline() != null && (bounds.deadline().isZero() || bounds.deadline().isNegative())) {
            throw new UncheckedIOException(AnswerException.deadline(name, Stage.NOT_SENT, bounds.limit()));
        }
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), URI.create(request.path()));
        http.setScheme(host.getSchemeName());
        http.setAuthority(new URIAuthority(host.getHostName(), host.getPort()));
        request.headers().forEach(http::setHeader);
        if (request.bodyBytes() != null) {
            http.setEntity(new ByteArrayEntity(request.bodyBytes(), null));
        } else if (request.body() != null) {
            http.setEntity(new InputStreamEntity(request.body(), null));
        }
        Watch watch = new Watch(http);
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(WATCH, watch);
        if (bounds.deadline() != null) {
            watch.timer = WATCHDOG.schedule(watch::expire, Math.max(1, bounds.deadline().toMillis()), TimeUnit.MILLISECONDS);
        }
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(host, http, context);
        } catch (IOException | RuntimeException e) {
            watch.cancelTimer();
            if (watch.expired()) {
                throw new UncheckedIOException(AnswerException.deadline(name, watch.stageAtExpiry, bounds.limit()));
            }
            throw new UncheckedIOException(describe(e, name, watch, bounds));
        }
        if (!watch.enterBody(bounds.bodyInDeadline())) {
            close(http, response);
            throw new UncheckedIOException(AnswerException.deadline(name, watch.stageAtExpiry, bounds.limit()));
        }
        return new BoundedResponse(this, http, response, watch, name, bounds);
    }

    /** What a failed exchange is, for the user: the answer's own fault where it is one. */
    private IOException describe(Exception e, String name, Watch watch, Bounds bounds) {
        Stage stage = watch.stage == null ? Stage.BODY : watch.stage;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException || t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                // The socket's own timeouts (connect, idle read) are this request's deadline reached another way.
                boolean connecting = t instanceof org.apache.hc.client5.http.ConnectTimeoutException;
                return AnswerException.deadline(name, connecting ? Stage.CONNECT : stage, connecting ? connectTimeout : bounds.limit());
            }
            if (t instanceof AnswerException answer) {
                return answer.named(name);
            }
            if (t instanceof MessageConstraintException) {
                return AnswerException.notHttp(name, "(a line longer than " + MAX_LINE / 1024 + " KiB, or more than " + MAX_HEADERS + " header lines)");
            }
            if (t instanceof NoHttpResponseException || t instanceof ConnectionClosedException) {
                return AnswerException.cut(name, stage);
            }
        }
        return e instanceof IOException io ? io : new IOException(e);
    }

    private static void close(HttpUriRequestBase http, ClassicHttpResponse response) {
        // As docker-java's transport: closing aborts the exchange, so an unread rest is never drained.
        http.abort();
        try {
            response.close();
        } catch (IOException | RuntimeException e) {
            // Gone either way.
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** One request's deadline: where it stands, and the abort when time is up. */
    private static final class Watch {
        private final HttpUriRequestBase http;
        private volatile Stage stage = Stage.CONNECT;
        private volatile Stage stageAtExpiry;
        private volatile boolean expired;
        private volatile ScheduledFuture<?> timer;

        Watch(HttpUriRequestBase http) {
            this.http = http;
        }

        synchronized void expire() {
            if (stage == null) {
                return;
            }
            expired = true;
            stageAtExpiry = stage;
            http.cancel();
        }

        boolean expired() {
            return expired;
        }

        /** Headers are in: the body follows, within the deadline or (for a stream) without one. */
        synchronized boolean enterBody(boolean bodyInDeadline) {
            if (expired) {
                return false;
            }
            if (bodyInDeadline) {
                stage = Stage.BODY;
            } else {
                stage = null;
                cancelTimer();
            }
            return true;
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }

        synchronized void done() {
            stage = null;
            cancelTimer();
        }
    }

    /** Marks the request as waiting for its headers once the connection is up and the request goes out. */
    private static final class StageTrackingExecutor extends HttpRequestExecutor {
        @Override
        public ClassicHttpResponse execute(ClassicHttpRequest request, HttpClientConnection connection, HttpResponseInformationCallback informationCallback,
                                           HttpContext context) throws IOException, HttpException {
            if (context.getAttribute(WATCH) instanceof Watch watch && watch.stage == Stage.CONNECT) {
                watch.stage = Stage.HEADERS;
            }
            return super.execute(request, connection, informationCallback, context);
        }
    }

    /**
     * httpclient5's own parser skips lines that are not a status line until a limit, then says
     * "Maximum empty line limit exceeded"; this one stops at the first and keeps what it was.
     */
    private static final class StrictResponseParser extends DefaultHttpResponseParser {
        StrictResponseParser(Http1Config config) {
            super(BasicLineParser.INSTANCE, null, config);
        }

        @Override
        protected ClassicHttpResponse createMessage(CharArrayBuffer line) throws IOException, HttpException {
            try {
                return super.createMessage(line);
            } catch (ParseException e) {
                throw AnswerException.notHttp(null, AnswerExcerpt.of(line.toString()));
            }
        }
    }

    /** An answer whose body is read within the request's deadline and cap. */
    private static final class BoundedResponse implements Response {
        private final BoundedHttpClient owner;
        private final HttpUriRequestBase http;
        private final ClassicHttpResponse response;
        private final Watch watch;
        private final String name;
        private final Bounds bounds;
        private InputStream body;

        BoundedResponse(BoundedHttpClient owner, HttpUriRequestBase http, ClassicHttpResponse response, Watch watch, String name, Bounds bounds) {
            this.owner = owner;
            this.http = http;
            this.response = response;
            this.watch = watch;
            this.name = name;
            this.bounds = bounds;
        }

        @Override
        public int getStatusCode() {
            return response.getCode();
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Header h : response.getHeaders()) {
                headers.computeIfAbsent(h.getName(), k -> new java.util.ArrayList<>()).add(h.getValue());
            }
            return headers;
        }

        @Override
        public String getHeader(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        @Override
        public synchronized InputStream getBody() {
            if (body == null) {
                try {
                    InputStream raw = response.getEntity() == null ? InputStream.nullInputStream() : response.getEntity().getContent();
                    body = new BoundedBody(raw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return body;
        }

        @Override
        public void close() {
            watch.done();
            BoundedHttpClient.close(http, response);
        }

        /** The body, counted against the cap; a read cut by the deadline says so. */
        private final class BoundedBody extends FilterInputStream {
            private long read;

            BoundedBody(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    if (watch.expired()) {
                        throw AnswerException.deadline(name, watch.stageAtExpiry, bounds.limit());
                    }
                    throw owner.describe(e, name, watch, bounds);
                }
                if (n > 0) {
                    read += n;
                    if (read > bounds.maxBody()) {
                        BoundedResponse.this.close();
                        throw AnswerException.tooLarge(name, bounds.maxBody());
                    }
                } else if (n == -1) {
                    watch.done();
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
            }
        }
    }
}
