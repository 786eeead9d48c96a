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

    /** The engine answered that the container is gone (404) or not running (409). */
    static ExecOutput gone(String execId, RuntimeException answer) {
        return new ExecOutput(execId, new byte[0], false, false, String.valueOf(answer.getMessage()).strip(),
                answer instanceof com.github.dockerjava.api.exception.NotFoundException ? "removed" : "stopped");
    }

    /**
     * @return the output as UTF-8 text
     */
    public String text() {
        return new String(output, StandardCharsets.UTF_8);
    }
}
