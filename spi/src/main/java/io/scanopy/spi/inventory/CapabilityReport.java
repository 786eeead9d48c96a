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
     * Whether an endpoint may be used: declared and not denied (not-checked counts as usable,
     * the first real call will tell).
     *
     * @param endpoint the endpoint
     * @return true when discovery may call it
     */
    public boolean allows(DockerEndpoint endpoint) {
        Check check = check(endpoint);
        return check != null && check.status() != Status.DENIED;
    }

    /**
     * The check of one endpoint.
     *
     * @param endpoint the endpoint
     * @param capability the capability name ({@link DockerEndpoint#capability()})
     * @param status the outcome
     * @param httpStatus the status of the refusal, or null
     * @param deniedBy who refused: {@code proxy}, {@code docker} or {@code unknown}; null when allowed
     * @param answer the start of the refusal's body (the proxy's page, or Docker's message); null when allowed
     * @param fallback the fallback in use when denied, or null
     * @param remediation what to change to allow it, or null
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
        NOT_CHECKED
    }
}
