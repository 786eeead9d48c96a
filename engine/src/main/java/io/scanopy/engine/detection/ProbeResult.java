package io.scanopy.engine.detection;

import java.util.List;
import java.util.Set;

/**
 * What probing one container found.
 *
 * @param execs exec instances created for it (0, 1 or 2)
 * @param listeningPorts TCP ports in LISTEN state inside the container, or null when unknown
 * @param answers HTTP answers on those ports
 * @param client the HTTP client the container had ({@code curl}, {@code wget}, {@code python3}, {@code nc}, {@code none}), or null
 * @param limitation why probing was partial or impossible (no shell, no client, exec failed, timed out), or null
 */
public record ProbeResult(int execs, Set<Integer> listeningPorts, List<HttpAnswer> answers, String client, String limitation) {

    /** Copies the collections. */
    public ProbeResult {
        listeningPorts = listeningPorts == null ? null : Set.copyOf(listeningPorts);
        answers = List.copyOf(answers);
    }

    /**
     * @param reason why nothing could be probed
     * @param execs execs spent
     * @return a result with nothing found
     */
    static ProbeResult unavailable(String reason, int execs) {
        return new ProbeResult(execs, null, List.of(), null, reason);
    }
}
