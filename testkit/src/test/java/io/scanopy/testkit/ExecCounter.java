package io.scanopy.testkit;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/** Counts exec creations per container from the engine's own event log, between two instants. */
final class ExecCounter {
    private final String since;

    ExecCounter() {
        this.since = timestamp(System.currentTimeMillis());
    }

    /** Docker takes fractional Unix seconds: whole seconds would let the previous run's execs in. */
    private static String timestamp(long millis) {
        return String.format("%d.%03d000000", millis / 1000, millis % 1000);
    }

    /** exec_create events per container id since this counter was made. */
    Map<String, Integer> counts() throws InterruptedException {
        String until = timestamp(System.currentTimeMillis());
        Thread.sleep(200);
        Map<String, Integer> counts = new HashMap<>();
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                if (event.getAction() != null && event.getAction().startsWith("exec_create")) {
                    counts.merge(event.getId(), 1, Integer::sum);
                }
            }
        };
        DockerClientFactory.instance().client().eventsCmd().withSince(since).withUntil(until)
                .withEventTypeFilter("container").exec(callback);
        callback.awaitCompletion(20, TimeUnit.SECONDS);
        return counts;
    }
}
