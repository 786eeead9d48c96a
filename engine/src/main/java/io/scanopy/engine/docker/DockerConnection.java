package io.scanopy.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
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
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Network;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The one facade in front of a Docker API: docker-java (with its httpclient5 transport) stays
 * behind it, and everything it returns is our own model. Raw requests serve the capability
 * checks and the version handshake (where status, content type and body matter); typed calls
 * list, inspect, exec and stream events at the negotiated API version. One instance holds one
 * connection pool for a target's life; the event stream has a client of its own because it
 * must never time out while Docker has nothing to say.
 */
public final class DockerConnection implements AutoCloseable {
    /** Bodies of raw answers are cut to this many characters. */
    public static final int MAX_RAW_BODY = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_CONNECTIONS = 32;

    /** The event stream waits as long as Docker is silent; liveness is checked separately ({@code /_ping}). */
    private static final Duration EVENTS_READ_TIMEOUT = Duration.ofDays(365);

    private final Transport transport;
    private final URI dockerHost;
    private final SSLConfig sslConfig;
    private final DockerHttpClient http;
    private volatile ApiVersion apiVersion;
    private volatile DockerClient api;

    private DockerConnection(Transport transport, URI dockerHost, SSLConfig sslConfig) {
        this.transport = transport;
        this.dockerHost = dockerHost;
        this.sslConfig = sslConfig;
        this.http = httpClient(dockerHost, sslConfig, MAX_CONNECTIONS, RESPONSE_TIMEOUT);
        this.api = typedClient(null);
    }

    private static DockerHttpClient httpClient(URI dockerHost, SSLConfig sslConfig, int maxConnections, Duration responseTimeout) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(dockerHost)
                .sslConfig(sslConfig)
                .maxConnections(maxConnections)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(responseTimeout)
                .build();
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
        return new DockerConnection(transport, dockerHost, context == null ? null : () -> context);
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
     * Lists containers.
     *
     * @param all include stopped containers
     * @return the containers as the list shows them ({@link Container.Detail#LIST_ONLY})
     * @throws DockerAccessException when the request fails
     */
    public List<Container> listContainers(boolean all) throws DockerAccessException {
        try {
            return api.listContainersCmd().withShowAll(all).exec().stream().map(DockerMapping::fromList).toList();
        } catch (RuntimeException e) {
            throw describeFailure(e);
        }
    }

    /**
     * Lists only the containers with the given ids (one request, filtered by Docker): how the
     * daemon refreshes what events name when inspect is denied.
     *
     * @param ids the container ids
     * @return those of them that exist, as the list shows them
     * @throws DockerAccessException when the request fails
     */
    public List<Container> listContainers(java.util.Collection<String> ids) throws DockerAccessException {
        try {
            return api.listContainersCmd().withShowAll(true).withIdFilter(ids).exec().stream().map(DockerMapping::fromList).toList();
        } catch (RuntimeException e) {
            throw describeFailure(e);
        }
    }

    /**
     * Inspects one container.
     *
     * @param id the container id or name
     * @return the container from its inspection, or empty when Docker says it does not exist
     * @throws DockerAccessException when the request fails otherwise
     */
    public Optional<Container> inspectContainer(String id) throws DockerAccessException {
        try {
            return Optional.of(DockerMapping.fromInspection(api.inspectContainerCmd(id).exec()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw describeFailure(e);
        }
    }

    /**
     * Lists networks.
     *
     * @return the networks, ordered by name
     * @throws DockerAccessException when the request fails
     */
    public List<Network> listNetworks() throws DockerAccessException {
        try {
            return DockerMapping.networks(api.listNetworksCmd().exec());
        } catch (RuntimeException e) {
            throw describeFailure(e);
        }
    }

    /**
     * Lists only the networks with the given ids: {@code GET /networks} filtered by Docker, the
     * endpoint the daemon already needs (proxies allow it where they may refuse {@code /networks/{id}}).
     *
     * @param ids the network ids
     * @return those of them that exist
     * @throws DockerAccessException when the request fails
     */
    public List<Network> listNetworks(java.util.Collection<String> ids) throws DockerAccessException {
        try {
            return DockerMapping.networks(api.listNetworksCmd().withIdFilter(ids.toArray(new String[0])).exec());
        } catch (RuntimeException e) {
            throw describeFailure(e);
        }
    }

    /**
     * Runs one command in a container (no stdin, no TTY) and collects its output, bounded.
     * The command is fixed by the caller: nothing from the container may be put in it.
     *
     * @param containerId the container
     * @param command the command and its arguments
     * @param timeout how long to wait for it
     * @param maxOutput bytes kept at most; the rest is dropped and {@link ExecOutput#truncated()} says so
     * @return what the command printed, and whether it finished in time
     */
    public ExecOutput exec(String containerId, List<String> command, Duration timeout, int maxOutput) {
        return exec(containerId, command, null, timeout, maxOutput);
    }

    /**
     * Runs one command in a container as the given user (no stdin, no TTY) and collects its
     * output, bounded. The command and the user are fixed by the caller: nothing from the
     * container may be put in them.
     *
     * @param containerId the container
     * @param command the command and its arguments
     * @param user {@code UID[:GID]} or a name, as {@code docker exec --user} takes it; null for the user the container runs as
     * @param timeout how long to wait for it
     * @param maxOutput bytes kept at most; the rest is dropped and {@link ExecOutput#truncated()} says so
     * @return what the command printed, and whether it finished in time
     */
    public ExecOutput exec(String containerId, List<String> command, String user, Duration timeout, int maxOutput) {
        String execId;
        try {
            var create = api.execCreateCmd(containerId).withCmd(command.toArray(new String[0]))
                    .withAttachStdout(true).withAttachStderr(true).withAttachStdin(false);
            if (user != null) {
                create.withUser(user);
            }
            execId = create.exec().getId();
        } catch (NotFoundException | ConflictException e) {
            return ExecOutput.refused(null, e);
        } catch (RuntimeException e) {
            return ExecOutput.failed(String.valueOf(e.getMessage()).strip());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        boolean[] truncated = {false};
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (output) {
                    byte[] payload = frame.getPayload();
                    int room = maxOutput - output.size();
                    if (payload.length > room) {
                        truncated[0] = true;
                    }
                    if (room > 0) {
                        output.write(payload, 0, Math.min(room, payload.length));
                    }
                }
            }
        };
        boolean timedOut = false;
        String failure = null;
        try {
            api.execStartCmd(execId).withDetach(false).withTty(false).exec(callback);
            timedOut = !callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            timedOut = true;
        } catch (NotFoundException | ConflictException e) {
            return ExecOutput.refused(execId, e);
        } catch (RuntimeException e) {
            failure = String.valueOf(e.getMessage()).strip();
        } finally {
            try {
                callback.close();
            } catch (IOException e) {
                // Closing the stream of a finished exec cannot fail in a way that matters.
            }
        }
        synchronized (output) {
            return new ExecOutput(execId, output.toByteArray(), truncated[0], timedOut, failure, null);
        }
    }

    /**
     * The exit code of a finished exec.
     *
     * @param execId the exec instance
     * @return its exit code, or empty when it cannot be read
     */
    public Optional<Long> execExitCode(String execId) {
        try {
            return Optional.ofNullable(api.inspectExecCmd(execId).exec().getExitCodeLong());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens {@code GET /events} for containers and networks. The stream has no read deadline:
     * Docker sends nothing while nothing happens, so the caller checks liveness itself.
     *
     * @param since replay events from this time (Docker keeps a bounded backlog), or null for new ones only
     * @return the open stream (close it to stop reading)
     * @throws DockerAccessException when the request is refused or fails
     */
    public EventStream events(Instant since) throws DockerAccessException {
        StringBuilder path = new StringBuilder(path(DockerEndpoint.EVENTS, null)).append("?filters=")
                .append(URLEncoder.encode("{\"type\":[\"container\",\"network\"]}", StandardCharsets.UTF_8));
        if (since != null) {
            path.append("&since=").append(since.getEpochSecond()).append('.').append(String.format("%09d", since.getNano()));
        }
        DockerHttpClient client = httpClient(dockerHost, sslConfig, 1, EVENTS_READ_TIMEOUT);
        DockerHttpClient.Response response = null;
        try {
            response = client.execute(DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path.toString()).build());
            if (response.getStatusCode() != 200) {
                String body = readBounded(response.getBody());
                String contentType = Objects.requireNonNullElse(response.getHeader("Content-Type"), "");
                throw new EventsRefusedException(new RawResponse("GET", path.toString(), response.getStatusCode(), contentType, body));
            }
            return new EventStream(client, response);
        } catch (EventsRefusedException e) {
            closeQuietly(response, client);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(response, client);
            throw describeFailure(e);
        }
    }

    private static void closeQuietly(DockerHttpClient.Response response, DockerHttpClient client) {
        if (response != null) {
            response.close();
        }
        try {
            client.close();
        } catch (IOException e) {
            // Gone either way.
        }
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

    static String readBounded(InputStream body) throws IOException {
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
