package io.scanopy.engine.capability;

import io.scanopy.engine.docker.ApiVersions;
import io.scanopy.engine.docker.ApiVersions.ApiVersion;
import io.scanopy.engine.docker.AnswerExcerpt;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerAnswers;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.RawResponse;
import io.scanopy.engine.swarm.SwarmMapping;
import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.EndpointRequirement;
import io.scanopy.spi.Fallback;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Before discovery, checks every endpoint the plugin declares with one cheap, read-only request,
 * and settles the API version. Per-id endpoints are checked against an id that cannot exist:
 * Docker answers 404 when the request got through, a proxy answers 403/405 when it did not, and
 * nothing is created or started either way.
 */
public final class CapabilityNegotiator {
    /** The id used for per-container and per-exec checks; no container or exec has it. */
    public static final String PROBE_ID = "scanopy-capability-probe";
    private static final int ANSWER_EXCERPT = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CapabilityNegotiator() {
    }

    /**
     * The result of negotiation.
     *
     * @param report the capability report
     * @param version the parsed {@code /version} answer, or null when denied
     * @param info the parsed {@code /info} answer, or null when denied or not declared
     */
    public record Negotiated(CapabilityReport report, JsonNode version, JsonNode info) {
    }

    /**
     * Negotiates: {@code GET /version} unversioned, chooses the API version, runs
     * {@code afterHandshake} (so the caller can start work that does not wait for the other
     * checks: discovery lists containers meanwhile), then checks the other declared endpoints
     * with that version's paths, all at once.
     *
     * @param connection the connection; its API version is set here
     * @param plugin the plugin serving the target
     * @param checkExec whether to check the exec endpoints
     * @param executor runs the independent checks at once
     * @param afterHandshake run once the version is chosen, before the other checks
     * @param context adds what the session knows about the connection to a denial before the
     *     plugin explains it (called only for denials)
     * @return the report and the handshake answers
     * @throws DockerAccessException when the target cannot be reached at all
     */
    public static Negotiated negotiate(DockerConnection connection, DockerAccessPlugin plugin, boolean checkExec, ExecutorService executor, Runnable afterHandshake,
                                       UnaryOperator<Denial> context) throws DockerAccessException {
        Map<DockerEndpoint, EndpointRequirement> declared = new LinkedHashMap<>();
        for (EndpointRequirement requirement : plugin.endpoints()) {
            declared.put(requirement.endpoint(), requirement);
        }
        Map<DockerEndpoint, Check> checks = new LinkedHashMap<>();

        JsonNode version = null;
        RawResponse versionAnswer = connection.send("GET", DockerEndpoint.VERSION.pathTemplate(), null);
        Check versionCheck = judge(DockerEndpoint.VERSION, versionAnswer, declared.get(DockerEndpoint.VERSION), plugin, context, Set.of());
        if (versionCheck.status() == Status.ALLOWED) {
            version = parse(versionAnswer.body());
            ApiVersion chosen = version == null ? null
                    : ApiVersions.negotiate(text(version, "ApiVersion"), text(version, "MinAPIVersion")).orElse(null);
            connection.useApiVersion(chosen);
        }
        if (declared.containsKey(DockerEndpoint.VERSION)) {
            // Its place in the report; judged again, with every answer known, below.
            checks.put(DockerEndpoint.VERSION, versionCheck);
        }
        afterHandshake.run();

        // The remaining checks are independent: run them at once (a round trip each, not nine in a row).
        Map<DockerEndpoint, Future<RawResponse>> answers = new LinkedHashMap<>();
        try {
            for (EndpointRequirement requirement : declared.values()) {
                DockerEndpoint endpoint = requirement.endpoint();
                if (endpoint == DockerEndpoint.VERSION) {
                    continue;
                }
                if (endpoint.isSwarm()) {
                    // Only a Swarm manager answers them: checked below, once /info has said what the engine is.
                    continue;
                }
                if (endpoint.isExec() && !checkExec) {
                    checks.put(endpoint, new Check(endpoint, endpoint.capability(), Status.NOT_CHECKED, null, null, null, null, null));
                    continue;
                }
                answers.put(endpoint, executor.submit(() -> probe(connection, endpoint)));
            }
            Map<DockerEndpoint, RawResponse> received = new LinkedHashMap<>();
            received.put(DockerEndpoint.VERSION, versionAnswer);
            for (Map.Entry<DockerEndpoint, Future<RawResponse>> entry : answers.entrySet()) {
                received.put(entry.getKey(), await(entry.getValue()));
            }
            // Denials are explained once every answer is in: some causes show only in combination
            // (exec start passing while exec create is refused).
            Set<DockerEndpoint> allowed = EnumSet.noneOf(DockerEndpoint.class);
            received.forEach((endpoint, answer) -> {
                if (dockerShaped(endpoint, answer)) {
                    allowed.add(endpoint);
                }
            });
            JsonNode info = null;
            for (Map.Entry<DockerEndpoint, RawResponse> entry : received.entrySet()) {
                DockerEndpoint endpoint = entry.getKey();
                if (endpoint == DockerEndpoint.VERSION && !declared.containsKey(DockerEndpoint.VERSION)) {
                    continue;
                }
                Check check = judge(endpoint, entry.getValue(), declared.get(endpoint), plugin, context, allowed);
                checks.put(endpoint, check);
                if (endpoint == DockerEndpoint.INFO && check.status() == Status.ALLOWED) {
                    info = parse(entry.getValue().body());
                }
            }
            checkSwarm(connection, declared, SwarmMapping.isManager(info), executor, plugin, context, allowed, checks);
            List<Check> ordered = new ArrayList<>();
            for (DockerEndpoint endpoint : declared.keySet()) {
                ordered.add(checks.get(endpoint));
            }
            return new Negotiated(new CapabilityReport(ordered), version, info);
        } finally {
            answers.values().forEach(f -> f.cancel(true));
        }
    }

    /**
     * The Swarm endpoints: on a manager, checked like the others (at once); on any other engine
     * not checked, as nothing would answer them (Docker says "not a swarm manager", Podman has
     * no such paths) and a proxy that refuses them costs that engine nothing.
     */
    private static void checkSwarm(DockerConnection connection, Map<DockerEndpoint, EndpointRequirement> declared, boolean manager, ExecutorService executor,
                                   DockerAccessPlugin plugin, UnaryOperator<Denial> context, Set<DockerEndpoint> allowed, Map<DockerEndpoint, Check> checks)
            throws DockerAccessException {
        Map<DockerEndpoint, Future<RawResponse>> answers = new LinkedHashMap<>();
        try {
            for (DockerEndpoint endpoint : declared.keySet()) {
                if (!endpoint.isSwarm()) {
                    continue;
                }
                if (manager) {
                    answers.put(endpoint, executor.submit(() -> probe(connection, endpoint)));
                } else {
                    checks.put(endpoint, new Check(endpoint, endpoint.capability(), Status.NOT_CHECKED, null, null, null, null, null));
                }
            }
            Map<DockerEndpoint, RawResponse> received = new LinkedHashMap<>();
            for (Map.Entry<DockerEndpoint, Future<RawResponse>> entry : answers.entrySet()) {
                received.put(entry.getKey(), await(entry.getValue()));
            }
            received.forEach((endpoint, answer) -> {
                if (dockerShaped(endpoint, answer)) {
                    allowed.add(endpoint);
                }
            });
            received.forEach((endpoint, answer) -> checks.put(endpoint, judge(endpoint, answer, declared.get(endpoint), plugin, context, allowed)));
        } finally {
            answers.values().forEach(f -> f.cancel(true));
        }
    }

    private static RawResponse await(Future<RawResponse> future) throws DockerAccessException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DockerAccessException dae) {
                throw dae;
            }
            throw new DockerAccessException(DockerAccessException.Kind.OTHER, "capability check failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerAccessException(DockerAccessException.Kind.OTHER, "capability check interrupted", e);
        }
    }

    private static RawResponse probe(DockerConnection connection, DockerEndpoint endpoint) throws DockerAccessException {
        String path = connection.path(endpoint, PROBE_ID);
        return switch (endpoint) {
            case LIST_CONTAINERS -> connection.send("GET", path + "?limit=1", null);
            // Filtered to a name nothing has: Docker answers an empty list, however large the engine or cluster.
            case LIST_NETWORKS, LIST_NODES, LIST_SERVICES, LIST_TASKS -> connection.send("GET", path + "?filters="
                    + URLEncoder.encode("{\"name\":{\"" + PROBE_ID + "\":true}}", StandardCharsets.UTF_8), null);
            case EXEC_CREATE -> connection.send("POST", path, "{\"Cmd\":[\"true\"],\"AttachStdout\":false}");
            case EXEC_START -> connection.send("POST", path, "{\"Detach\":true}");
            // A window in the distant past: Docker answers 200 with no events and ends the answer at once.
            case EVENTS -> connection.send("GET", path + "?since=1&until=2", null);
            default -> connection.send(endpoint.method(), path, null);
        };
    }

    /**
     * Judges one answer: allowed when it is Docker's ({@link #dockerShaped}); denied on
     * 401/403/405/407 or an answer the plugin recognises as its proxy's refusal; otherwise an
     * {@link Status#ERROR} (5xx) or {@link Status#NOT_DOCKER}, with what came back.
     *
     * @param endpoint the endpoint checked
     * @param answer the answer
     * @param requirement the plugin's requirement, or null when it did not declare the endpoint
     * @param plugin the plugin, to recognise and explain a denial
     * @return the check
     */
    public static Check judge(DockerEndpoint endpoint, RawResponse answer, EndpointRequirement requirement, DockerAccessPlugin plugin) {
        return judge(endpoint, answer, requirement, plugin, UnaryOperator.identity(), Set.of());
    }

    /**
     * Judges one answer, explaining a denial with what the session knows about the connection
     * and what else is known to get through.
     *
     * @param endpoint the endpoint checked
     * @param answer the answer
     * @param requirement the plugin's requirement, or null when it did not declare the endpoint
     * @param plugin the plugin, to recognise and explain a denial
     * @param context adds the flavour probe's answer and the client address to a denial
     * @param allowed the other endpoints of the same negotiation that reached Docker
     * @return the check
     */
    public static Check judge(DockerEndpoint endpoint, RawResponse answer, EndpointRequirement requirement, DockerAccessPlugin plugin,
                              UnaryOperator<Denial> context, Set<DockerEndpoint> allowed) {
        Fallback fallback = requirement == null ? Fallback.OMIT : requirement.fallback();
        if (dockerShaped(endpoint, answer)) {
            return new Check(endpoint, endpoint.capability(), Status.ALLOWED, null, null, null, null, null);
        }
        Denial denial = context.apply(denial(endpoint, answer));
        boolean refused = refused(answer);
        boolean recognised = plugin.recognises(denial);
        if (!refused && !recognised) {
            // Neither Docker's answer nor a refusal: whatever answered, discovery cannot use it.
            String request = AnswerExcerpt.request(answer.method(), answer.path());
            String what = answer.cut() ? "an answer larger than " + DockerConnection.MAX_RAW_BODY / 1024 + " KiB, starting " + AnswerExcerpt.of(answer.body())
                    : answer.body().isBlank() ? "(an empty body)" : AnswerExcerpt.of(answer.body());
            if (answer.status() >= 500) {
                return new Check(endpoint, endpoint.capability(), Status.ERROR, answer.status(), null, AnswerExcerpt.of(answer.body()), fallback,
                        request + " failed with HTTP " + answer.status() + " (" + what + ") — the proxy or engine behind it is failing; check its logs");
            }
            return new Check(endpoint, endpoint.capability(), Status.NOT_DOCKER, answer.status(), null, AnswerExcerpt.of(answer.body()), fallback,
                    "the answer to " + request + " (HTTP " + answer.status() + ") is not Docker's: " + what
                            + " — check that the address is a Docker socket proxy or a Docker engine");
        }
        String deniedBy = recognised ? "proxy"
                : denial.looksLikeDockerError() ? "docker"
                : refused ? "proxy" : "unknown";
        String remediation = plugin.explainDenial(denial, Set.copyOf(allowed)).orElseGet(() -> genericRemediation(denial, deniedBy));
        return new Check(endpoint, endpoint.capability(), Status.DENIED, answer.status(), deniedBy, excerpt(answer.body()), fallback, remediation);
    }

    /**
     * Whether an answer is what Docker sends for that check: {@code /_ping} answers {@code OK},
     * {@code /version} a JSON object with {@code ApiVersion}, {@code /info} a JSON object, a list
     * a JSON array, the events window a 200 with nothing or JSON objects in it; a per-id check (an id that cannot exist) Docker's
     * JSON error, a 404. A success of any other shape, an error page or a failure is not.
     */
    static boolean dockerShaped(DockerEndpoint endpoint, RawResponse answer) {
        if (answer.cut() || refused(answer) || answer.status() >= 500) {
            return false;
        }
        if (!answer.ok()) {
            // Docker's own error for the probe id, its 404 (an exec start of a missing exec may also say 409 on some engines).
            return DockerAnswers.isDockerError(answer);
        }
        JsonNode json = parseAny(answer.body());
        return switch (endpoint) {
            case PING -> answer.body().strip().equals("OK");
            case VERSION -> json != null && json.isObject() && json.hasNonNull("ApiVersion");
            case INFO -> json != null && json.isObject();
            case LIST_CONTAINERS, LIST_NETWORKS, LIST_NODES, LIST_SERVICES, LIST_TASKS -> json != null && json.isArray();
            // The window in the past holds no events: an empty answer, or (should the engine replay some) one JSON object per line.
            case EVENTS -> answer.body().isBlank() || answer.body().lines().filter(l -> !l.isBlank()).allMatch(l -> {
                JsonNode event = parseAny(l);
                return event != null && event.isObject();
            });
            default -> json != null && json.isObject();
        };
    }

    private static JsonNode parseAny(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static Denial denial(DockerEndpoint endpoint, RawResponse answer) {
        // Proxies match the path without the query string, and so do explanations.
        String path = answer.path().contains("?") ? answer.path().substring(0, answer.path().indexOf('?')) : answer.path();
        return new Denial(endpoint, answer.method(), path, answer.status(), answer.contentType(), answer.body());
    }

    private static boolean refused(RawResponse answer) {
        return answer.status() == 401 || answer.status() == 403 || answer.status() == 405 || answer.status() == 407;
    }


    private static String genericRemediation(Denial denial, String deniedBy) {
        if (deniedBy.equals("docker")) {
            return "Docker itself refused " + denial.method() + " " + denial.path() + " (" + excerpt(denial.body())
                    + ") — an authorization plugin on the engine blocks it; allow it there";
        }
        return "Allow " + denial.method() + " " + denial.path().replace(PROBE_ID, "{id}") + " on the proxy in front of Docker (it answered "
                + denial.status() + ")";
    }

    private static String excerpt(String body) {
        return body == null ? null : AnswerExcerpt.of(body, ANSWER_EXCERPT);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * @param node a JSON object
     * @param field a field name
     * @return the field's text, or null
     */
    public static String text(JsonNode node, String field) {
        return Optional.ofNullable(node).map(n -> n.get(field)).filter(JsonNode::isValueNode).map(JsonNode::asText).orElse(null);
    }
}
