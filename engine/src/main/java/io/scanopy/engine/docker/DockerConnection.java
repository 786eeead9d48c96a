package io.scanopy.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.scanopy.engine.docker.ApiVersions.ApiVersion;
import io.scanopy.engine.docker.DockerAccessException.Kind;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * One connection to a Docker API through docker-java's httpclient5 transport: raw requests
 * (for capability checks and the version handshake, where status, content type and body
 * matter) and a typed {@link DockerClient} that uses the negotiated API version.
 */
public final class DockerConnection implements AutoCloseable {
    /** Bodies of raw answers are cut to this many characters. */
    public static final int MAX_RAW_BODY = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_CONNECTIONS = 32;

    private final Transport transport;
    private final DockerHttpClient http;
    private volatile ApiVersion apiVersion;
    private volatile DockerClient api;

    private DockerConnection(Transport transport, DockerHttpClient http) {
        this.transport = transport;
        this.http = http;
        this.api = typedClient(null);
    }

    /**
     * Opens a connection (lazily: nothing is sent until the first request).
     *
     * @param transport where to connect
     * @return the connection
     * @throws DockerAccessException when the socket is missing or the TLS files are unusable
     */
    public static DockerConnection open(Transport transport) throws DockerAccessException {
        URI dockerHost;
        SSLContext ssl = null;
        if (transport instanceof Transport.UnixSocket unix) {
            ConnectionErrors.checkSocket(unix.socket());
            dockerHost = URI.create("unix://" + unix.socket().toAbsolutePath());
        } else if (transport instanceof Transport.Tcp tcp) {
            // httpclient5 takes tcp:// only; with an SSL context it speaks HTTPS.
            dockerHost = URI.create("tcp://" + hostForUri(tcp.host()) + ":" + tcp.port());
            if (tcp.tls() != null) {
                try {
                    ssl = TlsContexts.create(tcp.tls());
                } catch (TlsMaterialException e) {
                    throw new DockerAccessException(Kind.CONFIGURATION, e.getMessage(), e);
                }
            }
        } else {
            throw new IllegalArgumentException("unknown transport " + transport);
        }
        SSLContext context = ssl;
        SSLConfig sslConfig = context == null ? null : () -> context;
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(dockerHost)
                .sslConfig(sslConfig)
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .build();
        return new DockerConnection(transport, http);
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * @return the transport this connection uses
     */
    public Transport transport() {
        return transport;
    }

    /**
     * @return the API version in use, or empty for unversioned paths
     */
    public Optional<ApiVersion> apiVersion() {
        return Optional.ofNullable(apiVersion);
    }

    /**
     * Switches to an API version; the typed client and {@link #path} follow.
     *
     * @param version the version, or null for unversioned paths
     */
    public void useApiVersion(ApiVersion version) {
        this.apiVersion = version;
        this.api = typedClient(version);
    }

    /**
     * @return the typed client, at the API version in use
     */
    public DockerClient api() {
        return api;
    }

    /**
     * The path to send for an endpoint, with the version prefix in use.
     *
     * @param endpoint the endpoint
     * @param id the identifier for {@code {id}}, or null
     * @return the path as it will be sent
     */
    public String path(DockerEndpoint endpoint, String id) {
        String path = endpoint.pathTemplate().replace("{id}", id == null ? "" : id);
        return apiVersion == null ? path : "/v" + apiVersion + path;
    }

    /**
     * Sends one request and reads the whole answer (bounded).
     *
     * @param method the HTTP method
     * @param path the path exactly as to be sent
     * @param jsonBody a JSON body, or null
     * @return the answer
     * @throws DockerAccessException when the request could not be made
     */
    public RawResponse send(String method, String path, String jsonBody) throws DockerAccessException {
        DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.valueOf(method))
                .path(path);
        if (jsonBody != null) {
            request.putHeader("Content-Type", "application/json").bodyBytes(jsonBody.getBytes(StandardCharsets.UTF_8));
        }
        try (DockerHttpClient.Response response = http.execute(request.build())) {
            // Header names are case-insensitive; HAProxy (Tecnativa) sends them in lower case.
            String contentType = response.getHeaders().entrySet().stream()
                    .filter(h -> h.getKey() != null && h.getKey().equalsIgnoreCase("Content-Type") && !h.getValue().isEmpty())
                    .map(h -> h.getValue().get(0)).findFirst().orElse("");
            return new RawResponse(method, path, response.getStatusCode(), contentType, readBounded(response.getBody()));
        } catch (IOException | RuntimeException e) {
            throw ConnectionErrors.map(e, transport);
        }
    }

    /**
     * Maps any failure of a typed call to a user-facing exception.
     *
     * @param failure what the typed client threw
     * @return the exception to report
     */
    public DockerAccessException describeFailure(Throwable failure) {
        return ConnectionErrors.map(failure, transport);
    }

    private static String readBounded(InputStream body) throws IOException {
        if (body == null) {
            return "";
        }
        byte[] bytes = body.readNBytes(MAX_RAW_BODY);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private DockerClient typedClient(ApiVersion version) {
        return DockerClientImpl.getInstance(new FixedConfig(version), http);
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            // Nothing to do: the connection is gone either way.
        }
    }

    /** docker-java's mapper, made once: a copy per client would start every discovery with cold caches. */
    private static final com.fasterxml.jackson.databind.ObjectMapper DOCKER_JSON = DockerClientConfig.getDefaultObjectMapper();

    /** docker-java configuration without registry access and without reading the environment. */
    private record FixedConfig(ApiVersion version) implements DockerClientConfig {
        @Override
        public com.fasterxml.jackson.databind.ObjectMapper getObjectMapper() {
            return DOCKER_JSON;
        }

        @Override
        public URI getDockerHost() {
            return URI.create("unix:///unused");
        }

        @Override
        public RemoteApiVersion getApiVersion() {
            return version == null ? RemoteApiVersion.unknown() : RemoteApiVersion.parseConfig(version.toString());
        }

        @Override
        public String getRegistryUsername() {
            return null;
        }

        @Override
        public String getRegistryPassword() {
            return null;
        }

        @Override
        public String getRegistryEmail() {
            return null;
        }

        @Override
        public String getRegistryUrl() {
            return null;
        }

        @Override
        public AuthConfig effectiveAuthConfig(String imageName) {
            return null;
        }

        @Override
        public AuthConfigurations getAuthConfigurations() {
            return new AuthConfigurations();
        }

        @Override
        public SSLConfig getSSLConfig() {
            return null;
        }
    }
}
