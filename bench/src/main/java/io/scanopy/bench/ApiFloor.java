package io.scanopy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.target.PluginSelection;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.output.OutputFrame;

/**
 * The raw API floor for one inventory: exactly the requests our engine sends, learnt once by
 * putting the counting proxy ({@link ProxyImages#counting()}) in front of the engine, replayed
 * on the local socket from docker-java's stock httpclient5 transport (not ours) in the engine's
 * phases and with its concurrency — {@code /version} alone, then the container list and every
 * capability check at once, then every listed container's inspection, then {@code /networks} —
 * each JSON answer decoded into plain maps with Jackson. What the engine does beyond this
 * (its bounded client, mapping to its model, judging the checks, composing the inventory) is
 * the difference.
 */
final class ApiFloor {
    /** Requests in flight, as the engine's target session runs them (TargetSession.THREADS). */
    static final int CONCURRENCY = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOG_LINE = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\"");
    private static final Pattern INSPECT = Pattern.compile("^(/v[0-9.]+)?/containers/([0-9a-f]{64})/json$");
    private static final Pattern LIST = Pattern.compile("^(/v[0-9.]+)?/containers/json(\\?.*)?$");
    private static final Pattern NETWORKS = Pattern.compile("^(/v[0-9.]+)?/networks$");

    /** One request as sent: method and path with query. */
    record Request(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /**
     * What the engine sent, in its phases.
     *
     * @param first sent alone, before anything else (the flavour probe where one is sent, then {@code GET /version})
     * @param atOnce the container list and the capability checks, sent at once
     * @param list the container list among them, whose ids are inspected
     * @param inspectPrefix the inspection path before the id ({@code /v1.41/containers/})
     * @param inspections how many inspections the proxy's log held when it was recorded
     * @param containers how many containers the recorded inventory had
     * @param last sent after the inspections, in order ({@code /networks})
     */
    record Plan(List<Request> first, List<Request> atOnce, Request list, String inspectPrefix, int inspections, int containers, List<Request> last) {
        int requests(int containers) {
            return first.size() + atOnce.size() + containers + last.size();
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            first.forEach(r -> parts.add(r.toString()));
            parts.add("then at once: " + String.join(", ", atOnce.stream().map(Request::toString).toList()));
            parts.add("then GET " + inspectPrefix + "{id}/json for each listed container" + (inspections == containers ? ""
                    : " (the proxy's log held " + inspections + " of the " + containers + ": HAProxy drops log lines in a burst)"));
            last.forEach(r -> parts.add("then " + r));
            return String.join("; ", parts);
        }
    }

    private ApiFloor() {
    }

    /**
     * Learns the requests of one inventory: the same discovery, with the same plugin (forced, so
     * the same checks), through the counting proxy, read from its log; plus the flavour probe
     * when the local target's own selection sends one.
     *
     * @param engine the engine as the benchmark runs it
     * @param options the discovery options the benchmark uses
     * @param local the local target
     * @return the plan
     * @throws Exception when the proxy cannot run or the log is not what the engine sends
     */
    static Plan record(DiscoveryEngine engine, DiscoveryOptions options, TargetSpec local) throws Exception {
        String pluginId;
        List<String> reasons;
        try (TargetSession session = engine.open(local)) {
            pluginId = session.plugin().id();
            reasons = session.selectionReasons();
        }
        boolean flavourProbe = reasons.stream().anyMatch(r -> r.startsWith(PluginSelection.PROBE_METHOD + " " + PluginSelection.PROBE_PATH));
        try (ProxyContainer counter = new ProxyContainer(ProxyImages.counting(), 2375, "http")) {
            counter.start();
            // Starting it sent its own readiness check (GET /_ping): only what comes after is the engine's.
            Thread.sleep(200);
            int before = countLines(counter.getLogs(OutputFrame.OutputType.STDOUT));
            TargetSpec viaCounter = new TargetSpec(URI.create(counter.url().replace("http://", "tcp://")), null, pluginId, local.environment());
            DiscoveryResult r = engine.discover(List.of(viaCounter), options);
            if (!r.failures().isEmpty()) {
                throw new IllegalStateException("recording the engine's requests failed: " + r.failures().get(0).error().getMessage());
            }
            int containers = r.inventory().engines().get(0).containers().size();
            // HAProxy logs a request when its answer is complete and the log reaches Docker a moment later: read it (bounded) until it holds one whole inventory.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (true) {
                Thread.sleep(100);
                List<Request> logged = new ArrayList<>();
                int line = 0;
                for (String text : counter.getLogs(OutputFrame.OutputType.STDOUT).split("\n")) {
                    Matcher m = LOG_LINE.matcher(text);
                    if (m.find() && line++ >= before) {
                        logged.add(new Request(m.group(1), m.group(2)));
                    }
                }
                // HAProxy drops log lines it cannot write at once (a burst of inspections): past the
                // deadline, a log short of some inspections still gives the phases, and says so.
                boolean last = System.nanoTime() > deadline;
                try {
                    return plan(logged, containers, flavourProbe, !last);
                } catch (IllegalStateException e) {
                    if (last) {
                        throw e;
                    }
                }
            }
        }
    }

    private static int countLines(String log) {
        int n = 0;
        Matcher m = LOG_LINE.matcher(log);
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Sorts the logged requests into the engine's phases (see the class comment); anything it cannot place is a failure, not a guess. */
    static Plan plan(List<Request> logged, int containers, boolean flavourProbe, boolean everyInspection) {
        List<Request> first = new ArrayList<>();
        if (flavourProbe) {
            first.add(new Request(PluginSelection.PROBE_METHOD, PluginSelection.PROBE_PATH));
        }
        List<Request> atOnce = new ArrayList<>();
        List<Request> last = new ArrayList<>();
        Request list = null;
        String inspectPrefix = null;
        int inspections = 0;
        for (Request r : logged) {
            if (!r.method().equals("GET")) {
                // A POST (exec checks) has a body the log does not show: the floor could not send it as the engine did.
                throw new IllegalStateException("the engine sent " + r + " during an inventory without detection; the floor replays GETs only");
            }
            Matcher inspect = INSPECT.matcher(r.path());
            if (r.path().equals("/version")) {
                first.add(r);
            } else if (inspect.matches()) {
                inspections++;
                inspectPrefix = r.path().substring(0, r.path().length() - 64 - "/json".length());
            } else if (NETWORKS.matcher(r.path()).matches()) {
                last.add(r);
            } else {
                if (LIST.matcher(r.path()).matches() && !r.path().contains("limit=1")) {
                    if (list != null) {
                        throw new IllegalStateException("two container lists in one inventory: " + list + " and " + r);
                    }
                    list = r;
                }
                atOnce.add(r);
            }
        }
        if (list == null || inspectPrefix == null || inspections > containers || everyInspection && inspections != containers || last.isEmpty() || first.isEmpty()) {
            throw new IllegalStateException("the counting proxy's log is not one inventory of " + containers + " containers: " + logged);
        }
        return new Plan(first, atOnce, list, inspectPrefix, inspections, containers, last);
    }

    /**
     * Replays the plan once on the local socket, from a new client (the engine opens a new
     * connection pool for each discovery too).
     *
     * @param plan the plan
     * @param socket the local Docker socket
     * @return how many containers were inspected
     */
    static int replay(Plan plan, Path socket) {
        DockerHttpClient client = new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix://" + socket)).maxConnections(32).build();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            for (Request r : plan.first()) {
                send(client, r);
            }
            List<Future<Object>> atOnce = new ArrayList<>();
            Future<Object> list = null;
            for (Request r : plan.atOnce()) {
                Future<Object> f = pool.submit(() -> send(client, r));
                atOnce.add(f);
                if (r == plan.list()) {
                    list = f;
                }
            }
            for (Future<Object> f : atOnce) {
                f.get();
            }
            List<Future<Object>> inspections = new ArrayList<>();
            for (Object c : (List<?>) list.get()) {
                String id = (String) ((Map<?, ?>) c).get("Id");
                inspections.add(pool.submit(() -> send(client, new Request("GET", plan.inspectPrefix() + id + "/json"))));
            }
            for (Future<Object> f : inspections) {
                f.get();
            }
            for (Request r : plan.last()) {
                send(client, r);
            }
            return inspections.size();
        } catch (Exception e) {
            throw new IllegalStateException("the raw API floor failed: " + e, e);
        } finally {
            pool.shutdownNow();
            try {
                client.close();
            } catch (IOException e) {
                // Closed either way.
            }
        }
    }

    /** Sends one request, reads the whole answer and decodes JSON into plain maps and lists (the engine parses every answer too). */
    private static Object send(DockerHttpClient client, Request r) throws IOException {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.valueOf(r.method())).path(r.path()).build();
        try (DockerHttpClient.Response response = client.execute(request); InputStream body = response.getBody()) {
            byte[] bytes = body.readAllBytes();
            int i = 0;
            while (i < bytes.length && Character.isWhitespace(bytes[i])) {
                i++;
            }
            return i < bytes.length && (bytes[i] == '{' || bytes[i] == '[') ? JSON.readValue(bytes, Object.class) : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
