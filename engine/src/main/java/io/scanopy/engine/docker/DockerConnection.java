package io.scanopy.engine.docker;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import io.scanopy.engine.config.ContainerFilter;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The one facade in front of a Docker API: docker-java and httpclient5 stay behind it, and
 * everything it returns is our own model. Every request goes through {@link BoundedHttpClient}:
 * a total deadline (the target timeout, or less when a one-shot discovery must end sooner) and a
 * cap on what is read. Raw requests serve the capability checks, the version handshake, lists and
 * inspections (read whole within a cap, parsed with docker-java's model, and any other answer
 * named for what it is); docker-java's typed calls serve exec, whose output is a stream bounded
 * by its own timeout. The event stream has a client of its own because it must never time out
 * while Docker has nothing to say.
 */
public final class DockerConnection implements AutoCloseable {
    /** Bodies of raw answers (capability checks, probes) are cut to this many bytes: they are judged, not used. */
    public static final int MAX_RAW_BODY = 64 * 1024;
    /** The most read from a list (containers, networks): 2,000 containers are a few MB. */
    public static final int MAX_LIST_ANSWER = 64 * 1024 * 1024;
    /** The most read from one object (an inspection, {@code /version}, an exec's state): Docker's are a few KB. */
    public static final int MAX_OBJECT_ANSWER = 4 * 1024 * 1024;
    /** The default for {@link #open(Transport, Duration)}: the time a request may take in all. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_CONNECTIONS = 32;

    /** The event stream waits as long as Docker is silent; liveness is checked separately ({@code /_ping}). */
    private static final Duration EVENTS_READ_TIMEOUT = Duration.ofDays(365);

    private final Transport transport;
    private final URI dockerHost;
    private final SSLContext ssl;
    /** A plugin's own connection ({@link Transport.Connected}); null for a socket or TCP. */
    private final Transport.Connector connector;
    private final Duration timeout;
    /** Raw requests: checks, probes, lists and inspections, each within its deadline. */
    private final DockerHttpClient http;
    /** docker-java's typed calls, used for exec only: its output is a stream that ends when its reader stops waiting. */
    private final DockerHttpClient execHttp;
    /** When set, every request ends by then: a one-shot discovery of the target as a whole. */
    private volatile Instant finishBy;
    private volatile ApiVersion apiVersion;
    private volatile DockerClient api;

    private DockerConnection(Transport transport, URI dockerHost, SSLContext ssl, Duration timeout) {
        this.transport = transport;
        this.connector = transport instanceof Transport.Connected plugged ? plugged.connector() : null;
        this.dockerHost = dockerHost;
        this.ssl = ssl;
        this.timeout = timeout;
        Duration connect = CONNECT_TIMEOUT.compareTo(timeout) < 0 ? CONNECT_TIMEOUT : timeout;
        this.http = new BoundedHttpClient(dockerHost, ssl, connector, MAX_CONNECTIONS, connect, timeout,
                (method, path) -> new BoundedHttpClient.Bounds(deadline(), timeout, true, Long.MAX_VALUE));
        this.execHttp = new BoundedHttpClient(dockerHost, ssl, connector, MAX_CONNECTIONS, connect, timeout,
                (method, path) -> new BoundedHttpClient.Bounds(deadline(), timeout, !isExecStart(method, path), isExecStart(method, path) ? Long.MAX_VALUE : MAX_OBJECT_ANSWER));
        this.api = typedClient(null);
    }

    private static boolean isExecStart(String method, String path) {
        return method.equals("POST") && AnswerExcerpt.request(method, path).equals("POST /exec/{id}/start");
    }

    /** The time the next request may take: its own timeout, or less when the discovery as a whole must end sooner. */
    private Duration deadline() {
        Instant end = finishBy;
        if (end == null) {
            return timeout;
        }
        Duration left = Duration.between(Instant.now(), end);
        return left.isNegative() ? Duration.ZERO : left.compareTo(timeout) < 0 ? left : timeout;
    }

    /**
     * Bounds every later request to end by a given time (a one-shot discovery, {@code doctor});
     * null lifts the bound (service detection has its own deadline, the daemon lives on).
     *
     * @param end when the work on this target must be over, or null
     */
    public void finishBy(Instant end) {
        this.finishBy = end;
    }

    /**
     * @return the time a request may take in all (the target timeout)
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Opens a connection (lazily: nothing is sent until the first request).
     *
     * @param transport where to connect
     * @return the connection
     * @throws DockerAccessException when the socket is missing or the TLS files are unusable
     */
    public static DockerConnection open(Transport transport) throws DockerAccessException {
        return open(transport, DEFAULT_TIMEOUT);
    }

    /**
     * Opens a connection (lazily: nothing is sent until the first request).
     *
     * @param transport where to connect
     * @param timeout the time one request may take in all: connect, headers and body
     * @return the connection
     * @throws DockerAccessException when the socket is missing or the TLS files are unusable
     */
    public static DockerConnection open(Transport transport, Duration timeout) throws DockerAccessException {
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
        } else if (transport instanceof Transport.Connected) {
            // The plugin opens every connection; the URI only names it.
            dockerHost = URI.create("connected://localhost");
        } else {
            throw new IllegalArgumentException("unknown transport " + transport);
        }
        return new DockerConnection(transport, dockerHost, ssl, timeout);
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
        return listContainers(all, ContainerFilter.none());
    }

    /**
     * Lists the containers a filter matches: Docker applies it ({@code filters}), so a match is what the engine says.
     *
     * @param all include stopped containers
     * @param filter which containers ({@link ContainerFilter#none()} for all)
     * @return the containers as the list shows them ({@link Container.Detail#LIST_ONLY})
     * @throws DockerAccessException when the request fails
     */
    public List<Container> listContainers(boolean all, ContainerFilter filter) throws DockerAccessException {
        StringBuilder path = new StringBuilder(path(DockerEndpoint.LIST_CONTAINERS, null));
        if (all) {
            path.append("?all=true");
        }
        if (!filter.isEmpty()) {
            path.append(all ? '&' : '?').append("filters=").append(URLEncoder.encode(filter.toJson(List.of()), StandardCharsets.UTF_8));
        }
        return read(path.toString(), MAX_LIST_ANSWER, CONTAINER_LIST).stream().map(DockerMapping::fromList).toList();
    }

    /**
     * Lists those of the given containers a filter matches (one request, filtered by Docker):
     * how the daemon refreshes what events name when inspect is denied, and learns whether a
     * container an event named is one to follow.
     *
     * @param ids the container ids, at least one
     * @param filter which containers ({@link ContainerFilter#none()} for all)
     * @return those of them that exist and match, stopped or not, as the list shows them
     * @throws DockerAccessException when the request fails
     */
    public List<Container> listContainers(java.util.Collection<String> ids, ContainerFilter filter) throws DockerAccessException {
        String path = path(DockerEndpoint.LIST_CONTAINERS, null) + "?all=true&filters=" + URLEncoder.encode(filter.toJson(ids), StandardCharsets.UTF_8);
        return read(path, MAX_LIST_ANSWER, CONTAINER_LIST).stream().map(DockerMapping::fromList).toList();
    }

    /**
     * Inspects one container.
     *
     * @param id the container id or name
     * @return the container from its inspection, or empty when Docker says it does not exist
     * @throws DockerAccessException when the request fails otherwise
     */
    public Optional<Container> inspectContainer(String id) throws DockerAccessException {
        String path = path(DockerEndpoint.INSPECT_CONTAINER, URLEncoder.encode(id, StandardCharsets.UTF_8));
        RawResponse answer = get(path, MAX_OBJECT_ANSWER);
        if (answer.status() == 404 && DockerAnswers.isDockerError(answer)) {
            return Optional.empty();
        }
        return Optional.of(DockerMapping.fromInspection(parse(answer, INSPECTION)));
    }

    /**
     * Lists networks.
     *
     * @return the networks, ordered by name
     * @throws DockerAccessException when the request fails
     */
    public List<Network> listNetworks() throws DockerAccessException {
        return DockerMapping.networks(read(path(DockerEndpoint.LIST_NETWORKS, null), MAX_LIST_ANSWER, NETWORK_LIST));
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
        return DockerMapping.networks(read(path(DockerEndpoint.LIST_NETWORKS, null) + "?filters=" + idFilter(ids), MAX_LIST_ANSWER, NETWORK_LIST));
    }

    /**
     * Lists a Swarm manager's nodes, services or tasks, as Docker's JSON ({@link io.scanopy.engine.swarm.SwarmMapping} reads it).
     *
     * @param endpoint {@link DockerEndpoint#LIST_NODES}, {@link DockerEndpoint#LIST_SERVICES} or {@link DockerEndpoint#LIST_TASKS}
     * @return the answer, a JSON array
     * @throws DockerAccessException when the request fails or the answer is not a list
     */
    public com.fasterxml.jackson.databind.JsonNode listSwarm(DockerEndpoint endpoint) throws DockerAccessException {
        if (!endpoint.isSwarm()) {
            throw new IllegalArgumentException(endpoint + " is not a Swarm list");
        }
        RawResponse answer = get(path(endpoint, null), MAX_LIST_ANSWER);
        com.fasterxml.jackson.databind.JsonNode list = parse(answer, JSON_TREE);
        if (!list.isArray()) {
            throw new DockerAccessException(Kind.NOT_DOCKER, DockerAnswers.notDocker(transport, AnswerExcerpt.request("GET", answer.path()), answer.body()), null);
        }
        return list;
    }

    private static final TypeReference<com.fasterxml.jackson.databind.JsonNode> JSON_TREE = new TypeReference<>() { };
    private static final TypeReference<List<com.github.dockerjava.api.model.Container>> CONTAINER_LIST = new TypeReference<>() { };
    private static final TypeReference<List<com.github.dockerjava.api.model.Network>> NETWORK_LIST = new TypeReference<>() { };
    private static final TypeReference<InspectContainerResponse> INSPECTION = new TypeReference<>() { };

    private static String idFilter(java.util.Collection<String> ids) {
        StringBuilder json = new StringBuilder("{\"id\":[");
        int i = 0;
        for (String id : ids) {
            json.append(i++ == 0 ? "" : ",").append('"').append(id.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return URLEncoder.encode(json.append("]}").toString(), StandardCharsets.UTF_8);
    }

    private <T> T read(String path, int cap, TypeReference<T> type) throws DockerAccessException {
        return parse(get(path, cap), type);
    }

    /** A GET whose whole answer is needed: more than {@code cap} bytes is an error, not a cut. */
    private RawResponse get(String path, int cap) throws DockerAccessException {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            byte[] body = response.getBody().readNBytes(cap + 1);
            if (body.length > cap) {
                throw AnswerException.tooLarge(AnswerExcerpt.request("GET", path), cap);
            }
            return new RawResponse("GET", path, response.getStatusCode(), contentType(response), new String(body, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw describeFailure(e);
        }
    }

    /** Docker's answer as the type it stands for; any other answer is named for what it is. */
    private <T> T parse(RawResponse answer, TypeReference<T> type) throws DockerAccessException {
        String request = AnswerExcerpt.request(answer.method(), answer.path());
        if (!answer.ok()) {
            throw DockerAnswers.failed(answer, transport);
        }
        try {
            T value = DOCKER_JSON.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(answer.body());
            if (value == null) {
                throw new IOException("empty");
            }
            return value;
        } catch (IOException e) {
            throw new DockerAccessException(Kind.NOT_DOCKER, DockerAnswers.notDocker(transport, request, answer.body()), null);
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
        return events(since, false);
    }

    /**
     * Opens the event stream for containers and networks, and on a Swarm manager for services
     * and nodes too (only managers log them; other engines are not asked, as Podman refuses
     * types it does not know).
     *
     * @param since replay from this time, or null for new events only
     * @param swarm whether to follow service and node events too
     * @return the open stream (close it to stop reading)
     * @throws DockerAccessException when the request is refused or fails
     */
    public EventStream events(Instant since, boolean swarm) throws DockerAccessException {
        String types = swarm ? "{\"type\":[\"container\",\"network\",\"service\",\"node\"]}" : "{\"type\":[\"container\",\"network\"]}";
        StringBuilder path = new StringBuilder(path(DockerEndpoint.EVENTS, null)).append("?filters=")
                .append(URLEncoder.encode(types, StandardCharsets.UTF_8));
        if (since != null) {
            path.append("&since=").append(since.getEpochSecond()).append('.').append(String.format("%09d", since.getNano()));
        }
        // Its headers come within the deadline (Docker sends them at once); its body is a stream without one.
        DockerHttpClient client = new BoundedHttpClient(dockerHost, ssl, connector, 1, CONNECT_TIMEOUT.compareTo(timeout) < 0 ? CONNECT_TIMEOUT : timeout, EVENTS_READ_TIMEOUT,
                (method, p) -> new BoundedHttpClient.Bounds(timeout, timeout, false, Long.MAX_VALUE));
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
            byte[] body = response.getBody().readNBytes(MAX_RAW_BODY + 1);
            boolean cut = body.length > MAX_RAW_BODY;
            String text = new String(body, 0, Math.min(body.length, MAX_RAW_BODY), StandardCharsets.UTF_8);
            return new RawResponse(method, path, response.getStatusCode(), contentType(response), text, cut);
        } catch (IOException | RuntimeException e) {
            throw ConnectionErrors.map(e, transport);
        }
    }

    private static String contentType(DockerHttpClient.Response response) {
        // Header names are case-insensitive; HAProxy (Tecnativa) sends them in lower case.
        return response.getHeaders().entrySet().stream()
                .filter(h -> h.getKey() != null && h.getKey().equalsIgnoreCase("Content-Type") && !h.getValue().isEmpty())
                .map(h -> h.getValue().get(0)).findFirst().orElse("");
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
        return DockerClientImpl.getInstance(new FixedConfig(version), execHttp);
    }

    @Override
    public void close() {
        for (DockerHttpClient client : List.of(http, execHttp)) {
            try {
                client.close();
            } catch (IOException e) {
                // Nothing to do: the connection is gone either way.
            }
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
