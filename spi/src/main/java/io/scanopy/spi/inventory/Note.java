package io.scanopy.spi.inventory;

/**
 * Something the user should know about a discovery: a degradation, a skipped item, a failure.
 *
 * @param level how serious it is
 * @param code a stable machine-readable code, for example {@code container-vanished}
 * @param subject what it concerns (a container id, an endpoint, a target), or null
 * @param message the explanation, with what to do where there is something to do
 */
public record Note(Level level, String code, String subject, String message) {

    /** Severity of a note. */
    public enum Level {
        /** For information: nothing is missing. */
        INFO,
        /** Something is missing or degraded. */
        WARNING,
        /** A target could not be discovered. */
        ERROR
    }
}
