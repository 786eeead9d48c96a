package io.scanopy.spi.inventory;

import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.Fallback;
import java.util.List;

/**
 * What a target allowed: one entry per endpoint the plugin declared.
 *
 * @param checks the checks, in the plugin's declaration order
 */
public record CapabilityReport(List<Check> checks) {

    /** Copies the list. */
    public CapabilityReport {
        checks = List.copyOf(checks);
    }

    /**
     * The check of an endpoint.
     *
     * @param endpoint the endpoint
     * @return the check, or null when the plugin did not declare the endpoint
     */
    public Check check(DockerEndpoint endpoint) {
        return checks.stream().filter(c -> c.endpoint() == endpoint).findFirst().orElse(null);
    }

    /**
     * Whether an endpoint may be used: declared and allowed, or not checked (the first real
     * call will tell). Denied, failing ({@link Status#ERROR}) and not-Docker answers are not.
     *
     * @param endpoint the endpoint
     * @return true when discovery may call it
     */
    public boolean allows(DockerEndpoint endpoint) {
        Check check = check(endpoint);
        return check != null && (check.status() == Status.ALLOWED || check.status() == Status.NOT_CHECKED);
    }

    /**
     * The check of one endpoint.
     *
     * @param endpoint the endpoint
     * @param capability the capability name ({@link DockerEndpoint#capability()})
     * @param status the outcome
     * @param httpStatus the status of the refusal or failure, or null
     * @param deniedBy who refused: {@code proxy}, {@code docker} or {@code unknown}; null unless denied
     * @param answer the start of the answer's body (the proxy's page, Docker's message, or what answered instead), control
     *     characters escaped; null when allowed
     * @param fallback the fallback in use when not allowed, or null
     * @param remediation what to change to allow it, or (for {@link Status#ERROR} and {@link Status#NOT_DOCKER}) what came back and what to check; null when allowed
     */
    public record Check(
            DockerEndpoint endpoint,
            String capability,
            Status status,
            Integer httpStatus,
            String deniedBy,
            String answer,
            Fallback fallback,
            String remediation) {
    }

    /** Outcome of a capability check. */
    public enum Status {
        /** The endpoint answered. */
        ALLOWED,
        /** The endpoint was refused. */
        DENIED,
        /** Not checked (for example exec when exec is not wanted). */
        NOT_CHECKED,
        /**
         * The endpoint failed: an HTTP 5xx that is no refusal (since SPI 1.3; a plugin built for
         * an earlier SPI never sees it in a report it is handed, only in the inventory).
         */
        ERROR,
        /**
         * What answered is not Docker: a success of the wrong shape (an HTML page where JSON
         * belongs, {@code /_ping} without {@code OK}), a body larger than any Docker answer, or an
         * error that is neither Docker's nor a refusal (since SPI 1.3).
         */
        NOT_DOCKER
    }
}
