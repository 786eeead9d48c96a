package io.scanopy.engine.docker;

import java.util.Optional;

/**
 * API version negotiation from a {@code GET /version} answer: the highest version both the
 * engine and this client speak. Pinning one version would break either Docker 20.10 (at most
 * 1.41) or Docker 29 (at least 1.44); negotiating works with both.
 */
public final class ApiVersions {
    /** The oldest API this client's requests are written for. */
    public static final ApiVersion CLIENT_MIN = ApiVersion.parse("1.24");
    /** The newest API this client is checked against: Docker 26.1's, the newest engine the test suite runs on. */
    public static final ApiVersion CLIENT_MAX = ApiVersion.parse("1.45");

    private ApiVersions() {
    }

    /**
     * Chooses the version to send.
     *
     * @param serverApiVersion the engine's {@code ApiVersion}
     * @param serverMinApiVersion the engine's {@code MinAPIVersion}, or null when it did not say
     *     (old engines)
     * @return the version to prefix paths with, or empty to send unversioned paths (when the
     *     answer is unusable, or the engine is older than this client supports)
     */
    public static Optional<ApiVersion> negotiate(String serverApiVersion, String serverMinApiVersion) {
        ApiVersion serverMax = ApiVersion.tryParse(serverApiVersion).orElse(null);
        if (serverMax == null || serverMax.compareTo(CLIENT_MIN) < 0) {
            return Optional.empty();
        }
        ApiVersion chosen = serverMax.compareTo(CLIENT_MAX) > 0 ? CLIENT_MAX : serverMax;
        ApiVersion serverMin = ApiVersion.tryParse(serverMinApiVersion).orElse(null);
        if (serverMin != null && chosen.compareTo(serverMin) < 0) {
            // The engine no longer speaks anything we know; its oldest is the closest match.
            chosen = serverMin;
        }
        return Optional.of(chosen);
    }

    /**
     * A Docker API version, {@code major.minor}.
     *
     * @param major the major number
     * @param minor the minor number
     */
    public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

        /**
         * @param text for example {@code 1.41}
         * @return the version
         * @throws IllegalArgumentException when malformed
         */
        public static ApiVersion parse(String text) {
            return tryParse(text).orElseThrow(() -> new IllegalArgumentException("not an API version: " + text));
        }

        /**
         * @param text for example {@code 1.41}, or null
         * @return the version, or empty when absent or malformed
         */
        public static Optional<ApiVersion> tryParse(String text) {
            if (text == null || !text.strip().matches("[0-9]{1,3}\\.[0-9]{1,3}")) {
                return Optional.empty();
            }
            String[] parts = text.strip().split("\\.");
            return Optional.of(new ApiVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        }

        @Override
        public int compareTo(ApiVersion other) {
            return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
        }

        @Override
        public String toString() {
            return major + "." + minor;
        }
    }
}
