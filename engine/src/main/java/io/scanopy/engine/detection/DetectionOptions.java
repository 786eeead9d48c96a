package io.scanopy.engine.detection;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How service detection runs.
 *
 * @param exec probe inside containers with exec (false: {@code --no-exec}, API route only)
 * @param policy when to probe a container whose image or labels already identify it
 * @param probePublishedPorts also probe published ports from the daemon's side, when the engine is local
 * @param concurrency probes in flight at once (the engine's exec start is the bottleneck)
 * @param execTimeout how long one probe may run
 * @param deadline how long detection may take in all; what is found by then is kept
 * @param execUser who the probe runs as ({@code UID[:GID]} or a name, as {@code docker exec --user}
 *     takes it), or null for the user the container runs as; the probe falls back to that user
 *     only where it cannot run as this one
 */
public record DetectionOptions(boolean exec, ExecPolicy policy, boolean probePublishedPorts, int concurrency, Duration execTimeout, Duration deadline,
        String execUser) {

    /**
     * nobody:nogroup: the probe reads world-readable /proc/net/tcp and makes plain HTTP
     * requests, neither of which needs any privilege.
     */
    public static final String DEFAULT_EXEC_USER = "65534:65534";

    /** What {@code docker exec --user} takes: a name or id, optionally {@code :group}; nothing a shell could read otherwise. */
    public static final Pattern EXEC_USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,63})?");

    /** When a container is probed with exec. */
    public enum ExecPolicy {
        /** Every running container (one container can run several services). */
        ALWAYS,
        /** Only containers that image and label rules do not already identify. */
        WHEN_NEEDED
    }

    /** Validates. */
    public DetectionOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (execUser != null && !EXEC_USER.matcher(execUser).matches()) {
            throw new IllegalArgumentException("exec user must be UID[:GID] or a name: " + execUser);
        }
    }

    /**
     * With the probe running as {@link #DEFAULT_EXEC_USER}.
     *
     * @param exec probe inside containers with exec
     * @param policy when to probe
     * @param probePublishedPorts also probe published ports
     * @param concurrency probes in flight at once
     * @param execTimeout how long one probe may run
     * @param deadline how long detection may take in all
     */
    public DetectionOptions(boolean exec, ExecPolicy policy, boolean probePublishedPorts, int concurrency, Duration execTimeout, Duration deadline) {
        this(exec, policy, probePublishedPorts, concurrency, execTimeout, deadline, DEFAULT_EXEC_USER);
    }

    /**
     * @param user who the probe runs as, or null for the container's own user
     * @return these options with that exec user
     */
    public DetectionOptions withExecUser(String user) {
        return new DetectionOptions(exec, policy, probePublishedPorts, concurrency, execTimeout, deadline, user);
    }

    /**
     * @return exec on, always, 4 probes at once, 10 s per probe, 120 s in all, as {@link #DEFAULT_EXEC_USER}
     */
    public static DetectionOptions defaults() {
        return new DetectionOptions(true, ExecPolicy.ALWAYS, false, 4, Duration.ofSeconds(10), Duration.ofSeconds(120));
    }
}
