package io.scanopy.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * The engine's own record of what happened from a moment on (its event log, read through the
 * local engine): what a test or a benchmark compares a daemon's work with — which containers an
 * event named, how many execs were created.
 */
public final class EngineEventLog {
    private final long sinceMillis;

    /** A log from now on. */
    public EngineEventLog() {
        this(System.currentTimeMillis());
    }

    /**
     * @param sinceMillis the start, in epoch milliseconds
     */
    public EngineEventLog(long sinceMillis) {
        this.sinceMillis = sinceMillis;
    }

    /** Whether the engine is Podman (its Docker API names its engine component "Podman Engine"); asked once, when first needed. */
    private static final class Engine {
        static final boolean PODMAN = isPodman();

        private static boolean isPodman() {
            var components = DockerClientFactory.instance().client().versionCmd().exec().getComponents();
            return components != null && components.stream().anyMatch(c -> "Podman Engine".equals(c.getName()));
        }
    }

    private static final ObjectMapper JSON = DockerClientConfig.getDefaultObjectMapper();

    /** Docker takes fractional Unix seconds: whole seconds would let earlier events in. */
    private static String dockerTime(long millis) {
        return String.format(Locale.ROOT, "%d.%03d000000", millis / 1000, millis % 1000);
    }

    /**
     * @return every event from the start until now (waits 200 ms, so the engine has logged what just happened)
     * @throws InterruptedException when interrupted
     */
    public List<Event> events() throws InterruptedException {
        return events(System.currentTimeMillis());
    }

    /**
     * @param untilMillis the end, in epoch milliseconds
     * @return every event between the start and the end (bounded wait)
     * @throws InterruptedException when interrupted
     */
    public List<Event> events(long untilMillis) throws InterruptedException {
        return events(untilMillis, null);
    }

    /**
     * @param untilMillis the end, in epoch milliseconds
     * @param label only events of containers with this label ({@code key=value}), or null for all; the
     *     engine filters, so a busy shared engine's other events are not read at all (Podman: filtered here)
     * @return those events between the start and the end (bounded wait)
     * @throws InterruptedException when interrupted
     */
    public List<Event> events(long untilMillis, String label) throws InterruptedException {
        Thread.sleep(200);
        if (Engine.PODMAN) {
            List<Event> all = podmanEvents(untilMillis);
            return label == null ? all : all.stream().filter(e -> e.getActor() != null && e.getActor().getAttributes() != null
                    && label.equals(label.substring(0, label.indexOf('=') + 1) + e.getActor().getAttributes().get(label.substring(0, label.indexOf('='))))).toList();
        }
        List<Event> events = new ArrayList<>();
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                synchronized (events) {
                    events.add(event);
                }
            }
        };
        var command = DockerClientFactory.instance().client().eventsCmd().withSince(dockerTime(sinceMillis)).withUntil(dockerTime(untilMillis));
        if (label != null) {
            command.withLabelFilter(label);
        }
        command.exec(callback);
        callback.awaitCompletion(20, TimeUnit.SECONDS);
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Podman 4.3 (file events backend) cannot be asked for a window with {@code until}: it follows its
     * event file from the top and stops reading when {@code until} comes on the clock, however far it got
     * (an {@code until} now or past answers at most the file's first event; one a few hundred
     * milliseconds ahead loses the newest events, the ones a test asks about, once the file is large).
     * Its {@code stream=false} (a Podman parameter docker-java cannot send) reads the file to its end and
     * answers; what came after the end is left out here.
     */
    private List<Event> podmanEvents(long untilMillis) {
        TransportConfig transport = DockerClientFactory.instance().getTransportConfig();
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                .path("/events?stream=false&since=" + dockerTime(sinceMillis)).build();
        try (DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(transport.getDockerHost()).sslConfig(transport.getSslConfig())
                .responseTimeout(Duration.ofSeconds(20)).build();
                DockerHttpClient.Response response = http.execute(request);
                BufferedReader lines = new BufferedReader(new InputStreamReader(response.getBody(), StandardCharsets.UTF_8))) {
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("Podman answered " + response.getStatusCode() + " to GET " + request.path());
            }
            List<Event> events = new ArrayList<>();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                Event event = JSON.readValue(line, Event.class);
                if (event.getTimeNano() == null || event.getTimeNano() <= untilMillis * 1_000_000L) {
                    events.add(event);
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Podman's events from " + transport.getDockerHost(), e);
        }
    }

    /**
     * @return exec_create events per container id, from the start until now
     * @throws InterruptedException when interrupted
     */
    public Map<String, Integer> execCreates() throws InterruptedException {
        return execCreates(events());
    }

    /**
     * @param label only containers with this label ({@code key=value})
     * @return exec_create events per container id of those containers, from the start until now
     * @throws InterruptedException when interrupted
     */
    public Map<String, Integer> execCreates(String label) throws InterruptedException {
        return execCreates(events(System.currentTimeMillis(), label));
    }

    /**
     * Docker logs {@code exec_create} for every exec created. Podman logs no exec creation: its
     * {@code exec} event marks an exec that started (one that could not start is not logged), and
     * Docker has no event of that name, so both are counted.
     *
     * @param events events read from the log
     * @return exec_create (Docker) and exec (Podman) events among them, per container id
     */
    public static Map<String, Integer> execCreates(List<Event> events) {
        Map<String, Integer> counts = new HashMap<>();
        events.stream().filter(e -> e.getAction() != null && (e.getAction().startsWith("exec_create") || e.getAction().equals("exec")))
                .forEach(e -> counts.merge(e.getId(), 1, Integer::sum));
        return counts;
    }

    /**
     * Who each exec ran as, in the engine's own words: the exec instance's
     * {@code ProcessConfig.user} (empty for the container's own user), in creation order.
     *
     * @param containerId the container
     * @return the users of the execs created in it from the start until now
     * @throws InterruptedException when interrupted
     */
    public List<String> execUsers(String containerId) throws InterruptedException {
        List<String> users = new ArrayList<>();
        for (Event event : events()) {
            if (event.getAction() != null && event.getAction().startsWith("exec_create") && containerId.equals(event.getId())) {
                String execId = event.getActor().getAttributes().get("execID");
                var process = DockerClientFactory.instance().client().inspectExecCmd(execId).exec().getProcessConfig();
                users.add(process.getUser() == null ? "" : process.getUser());
            }
        }
        return users;
    }

    /**
     * The most execs alive at once among those created in the given containers as the given
     * user, in the engine's own words: each exec lives from its {@code exec_start} event to its
     * {@code exec_die} event (one that never died counts as alive to the end).
     *
     * @param containerIds the containers
     * @param user the exec's {@code ProcessConfig.user}
     * @return the peak number of such execs running at once, and how many there were
     * @throws InterruptedException when interrupted
     */
    public ExecPeak execPeak(java.util.Collection<String> containerIds, String user) throws InterruptedException {
        Map<String, Long> started = new HashMap<>();
        Map<String, Long> died = new HashMap<>();
        for (Event event : events()) {
            String action = event.getAction() == null ? "" : event.getAction();
            if (!containerIds.contains(event.getId()) || event.getActor() == null || event.getActor().getAttributes() == null) {
                continue;
            }
            String execId = event.getActor().getAttributes().get("execID");
            if (action.startsWith("exec_start")) {
                started.put(execId, event.getTimeNano());
            } else if (action.startsWith("exec_die")) {
                died.put(execId, event.getTimeNano());
            }
        }
        started.keySet().removeIf(execId -> {
            var process = DockerClientFactory.instance().client().inspectExecCmd(execId).exec().getProcessConfig();
            return !user.equals(process.getUser());
        });
        // +1 at each start, -1 at each death; deaths first at equal times.
        List<long[]> changes = new ArrayList<>();
        started.forEach((id, t) -> {
            changes.add(new long[] {t, 1});
            changes.add(new long[] {died.getOrDefault(id, Long.MAX_VALUE), -1});
        });
        changes.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int alive = 0;
        int peak = 0;
        for (long[] change : changes) {
            alive += (int) change[1];
            peak = Math.max(peak, alive);
        }
        return new ExecPeak(peak, started.size());
    }

    /**
     * @param peak the most execs alive at once
     * @param execs how many execs there were
     */
    public record ExecPeak(int peak, int execs) {
    }

    /**
     * @return container ids named by a container event (exec events excluded) or by a network
     *     connect/disconnect, from the start until now, with how many such events each
     * @throws InterruptedException when interrupted
     */
    public Map<String, Integer> containersNamed() throws InterruptedException {
        Map<String, Integer> named = new HashMap<>();
        for (Event event : events()) {
            String action = event.getAction() == null ? "" : event.getAction();
            if ("container".equals(event.getType() == null ? null : event.getType().getValue()) && !action.startsWith("exec")) { // exec_* (Docker), exec and exec_died (Podman)
                named.merge(event.getId(), 1, Integer::sum);
            } else if (event.getActor() != null && event.getActor().getAttributes() != null && event.getActor().getAttributes().containsKey("container")) {
                named.merge(event.getActor().getAttributes().get("container"), 1, Integer::sum);
            }
        }
        return named;
    }
}
