package io.scanopy.testkit;

import java.util.HashMap;
import java.util.Map;

/** Counts exec creations per container from the engine's own event log, since this counter was made. */
final class ExecCounter {
    private final EngineEvents events = new EngineEvents();

    /** exec_create events per container id since this counter was made. */
    Map<String, Integer> counts() throws InterruptedException {
        Map<String, Integer> counts = new HashMap<>();
        events.events().stream().filter(e -> e.getAction() != null && e.getAction().startsWith("exec_create"))
                .forEach(e -> counts.merge(e.getId(), 1, Integer::sum));
        return counts;
    }
}
