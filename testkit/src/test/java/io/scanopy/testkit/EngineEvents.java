package io.scanopy.testkit;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/**
 * The engine's own record of what happened between two instants (its event log, read through the
 * direct socket): which containers an event named, so a test can tell which inspections a daemon
 * had a reason to make.
 */
final class EngineEvents {
    private final String since;

    EngineEvents() {
        this.since = timestamp(System.currentTimeMillis());
    }

    /** Docker takes fractional Unix seconds: whole seconds would let the previous test's events in. */
    private static String timestamp(long millis) {
        return String.format("%d.%03d000000", millis / 1000, millis % 1000);
    }

    /**
     * Container ids named by a container event (our own exec_* excluded) or by a network
     * connect/disconnect since this was made, with how many such events each.
     */
    Map<String, Integer> containersNamed() throws InterruptedException {
        Map<String, Integer> named = new HashMap<>();
        for (Event event : events()) {
            String action = event.getAction() == null ? "" : event.getAction();
            if ("container".equals(event.getType() == null ? null : event.getType().getValue()) && !action.startsWith("exec_")) {
                named.merge(event.getId(), 1, Integer::sum);
            } else if (event.getActor() != null && event.getActor().getAttributes() != null && event.getActor().getAttributes().containsKey("container")) {
                named.merge(event.getActor().getAttributes().get("container"), 1, Integer::sum);
            }
        }
        return named;
    }

    List<Event> events() throws InterruptedException {
        String until = timestamp(System.currentTimeMillis());
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
        DockerClientFactory.instance().client().eventsCmd().withSince(since).withUntil(until).exec(callback);
        callback.awaitCompletion(20, TimeUnit.SECONDS);
        synchronized (events) {
            return List.copyOf(events);
        }
    }
}
