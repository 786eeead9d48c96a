package io.scanopy.testkit;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

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
        Thread.sleep(200);
        List<Event> events = new ArrayList<>();
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                synchronized (events) {
                    events.add(event);
                }
            }
        };
        // Podman 4.3 answers nothing when "until" has a fraction of a second (a fractional "since" works): it is
        // asked up to the next whole second, and what came after the end is left out here.
        boolean podman = Engine.PODMAN;
        String until = podman ? Long.toString(untilMillis / 1000 + 1) : dockerTime(untilMillis);
        DockerClientFactory.instance().client().eventsCmd().withSince(dockerTime(sinceMillis)).withUntil(until).exec(callback);
        callback.awaitCompletion(20, TimeUnit.SECONDS);
        synchronized (events) {
            return events.stream().filter(e -> !podman || e.getTimeNano() == null || e.getTimeNano() <= untilMillis * 1_000_000L).toList();
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
