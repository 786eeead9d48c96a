package io.scanopy.engine.docker;

import java.time.Instant;
import java.util.Map;

/**
 * One event from Docker's {@code /events} stream, as far as the daemon needs it.
 *
 * @param type {@code container} or {@code network}, and on a Swarm manager {@code service} or {@code node} (the stream is filtered to these)
 * @param action the action as Docker names it: {@code start}, {@code die}, {@code destroy},
 *     {@code connect}, {@code health_status: healthy}, {@code exec_create: sh -c ...}, ...
 * @param actorId the id of the container or network the event is about
 * @param attributes the actor's attributes (for a network event, {@code container} names the
 *     container that was connected or disconnected)
 * @param time when it happened, to the nanosecond Docker reports
 */
public record DockerEvent(String type, String action, String actorId, Map<String, String> attributes, Instant time) {
    /** Copies the map. */
    public DockerEvent {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /**
     * @return the action without its detail: {@code health_status} for {@code health_status: healthy}
     */
    public String verb() {
        int colon = action == null ? -1 : action.indexOf(':');
        return action == null ? "" : colon < 0 ? action : action.substring(0, colon);
    }
}
