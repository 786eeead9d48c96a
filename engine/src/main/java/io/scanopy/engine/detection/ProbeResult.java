package io.scanopy.engine.detection;

import java.util.List;
import java.util.Set;

/**
 * What probing one container found.
 *
 * @param execs exec instances created for it (0, 1 or 2)
 * @param listeningPorts TCP ports in LISTEN state inside the container, or null when unknown
 * @param answers HTTP answers on those ports
 * @param banners what ports that do not speak HTTP announced or answered to their greeting
 * @param client the HTTP client the container had ({@code curl}, {@code wget}, {@code python3}, {@code nc}, {@code none}), or null
 * @param limitation why probing was partial or impossible (no shell, no client, exec failed, timed out), or null
 * @param notRun true when the probe could not run at all (exec not created or started): worth another try
 * @param userFallback why the probe ran as the container's own user instead of the configured one, or null when it did not
 * @param cut true when the probe reached its limit before it finished (what it saw by then is kept)
 * @param gone {@code removed} or {@code stopped} when the container went away before its probe could run, else null
 */
public record ProbeResult(int execs, Set<Integer> listeningPorts, List<HttpAnswer> answers, List<BannerAnswer> banners, String client, String limitation, boolean notRun,
        String userFallback, boolean cut, String gone) {

    /** Copies the collections. */
    public ProbeResult {
        listeningPorts = listeningPorts == null ? null : Set.copyOf(listeningPorts);
        answers = List.copyOf(answers);
        banners = List.copyOf(banners);
    }

    /**
     * A probe that ran and found what it could.
     *
     * @param execs exec instances created
     * @param listeningPorts ports seen listening, or null when unknown
     * @param answers HTTP answers read
     * @param client the HTTP client the container had, or null
     * @param limitation what limited it, or null
     */
    public ProbeResult(int execs, Set<Integer> listeningPorts, List<HttpAnswer> answers, String client, String limitation) {
        this(execs, listeningPorts, answers, List.of(), client, limitation, false, null, false, null);
    }

    /**
     * @param why why the probe ran as the container's own user rather than the configured one
     * @param spent exec instances created for this container in all, both users' included
     * @return this result, saying so and counting every exec
     */
    ProbeResult withUserFallback(String why, int spent) {
        return new ProbeResult(spent, listeningPorts, answers, banners, client, limitation, notRun, why, cut, gone);
    }

    static ProbeResult unavailable(String reason, int execs) {
        return new ProbeResult(execs, null, List.of(), List.of(), null, reason, false, null, false, null);
    }

    /** @return this result, marked as stopped by its limit before it finished */
    ProbeResult cutShort() {
        return new ProbeResult(execs, listeningPorts, answers, banners, client, limitation, notRun, userFallback, true, gone);
    }

    /**
     * @param how {@code removed} or {@code stopped}
     * @param execs exec instances created
     * @return the container went away before its probe could run: nothing to try again
     */
    static ProbeResult gone(String how, int execs) {
        return new ProbeResult(execs, null, List.of(), List.of(), null, "the container was " + how + " before its probe could run", false, null, false, how);
    }

    /** The probe could not run at all (the exec was not created or started): worth another try later. */
    static ProbeResult notRun(String reason) {
        return new ProbeResult(1, null, List.of(), List.of(), null, reason, true, null, false, null);
    }
}
