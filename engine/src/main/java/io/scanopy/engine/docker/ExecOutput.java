package io.scanopy.engine.docker;

import java.nio.charset.StandardCharsets;

/**
 * What one exec printed.
 *
 * @param execId the exec instance, or null when it could not be created
 * @param output stdout and stderr as received, up to the cap the caller set
 * @param truncated true when output over the cap was dropped
 * @param timedOut true when the command did not finish in time (it may still run in the
 *     container: the Engine API cannot stop an exec)
 * @param failure why the exec could not be created or started, or null
 * @param gone {@code removed} when the engine no longer knows the container (404), {@code stopped}
 *     when it is not running (409), else null: the container went away, the exec did not fail
 */
public record ExecOutput(String execId, byte[] output, boolean truncated, boolean timedOut, String failure, String gone) {

    static ExecOutput failed(String failure) {
        return new ExecOutput(null, new byte[0], false, false, failure, null);
    }

    /**
     * What the engine answered when it refused an exec: the container is gone (404 "No such
     * container") or not running (409 "... is not running"); any other refusal is a failure.
     */
    static ExecOutput refused(String execId, RuntimeException answer) {
        String message = String.valueOf(answer.getMessage()).strip();
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        String gone = answer instanceof com.github.dockerjava.api.exception.NotFoundException && lower.contains("no such container") ? "removed"
                : answer instanceof com.github.dockerjava.api.exception.ConflictException && lower.contains("not running") ? "stopped" : null;
        return new ExecOutput(execId, new byte[0], false, false, message, gone);
    }

    /**
     * @return the output as UTF-8 text
     */
    public String text() {
        return new String(output, StandardCharsets.UTF_8);
    }
}
