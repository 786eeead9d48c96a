package io.scanopy.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the user asked the daemon to discover: one Docker engine, reached either by default
 * (the local socket, honouring {@code DOCKER_HOST}) or through an explicit endpoint such as a
 * socket proxy URL.
 *
 * @param endpoint the URL given by the user ({@code http://}, {@code https://}, {@code tcp://},
 *     {@code unix://}); {@code null} for the local default
 * @param tls client TLS files for this target; {@code null} when none were given
 * @param flavor the plugin id the user forced for this target; {@code null} to choose by score
 * @param environment the process environment as seen by the engine (for {@code DOCKER_HOST},
 *     {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}); never null
 * @param source the setting the endpoint came from, for messages ({@code --docker-proxy},
 *     {@code SCANOPY_DOCKER_PROXY}, {@code docker-proxy in FILE})
 */
public record TargetSpec(URI endpoint, TlsFiles tls, String flavor, Map<String, String> environment, String source) {

    /** Validates and copies. */
    public TargetSpec {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        if (source == null || source.isBlank()) {
            source = endpoint == null ? "DOCKER_HOST" : "--docker-proxy";
        }
    }

    /**
     * A target whose endpoint came from {@code --docker-proxy} (or, without one, the local default).
     *
     * @param endpoint the URL, or null for the local default
     * @param tls TLS files, or null
     * @param flavor the forced plugin id, or null
     * @param environment the process environment
     */
    public TargetSpec(URI endpoint, TlsFiles tls, String flavor, Map<String, String> environment) {
        this(endpoint, tls, flavor, environment, null);
    }

    /**
     * The default target: the local Docker engine.
     *
     * @param environment the process environment
     * @return a target without an explicit endpoint
     */
    public static TargetSpec local(Map<String, String> environment) {
        return new TargetSpec(null, null, null, environment);
    }

    /**
     * The endpoint's scheme in lower case, or empty for the local default.
     *
     * @return the scheme
     */
    public Optional<String> scheme() {
        return endpoint == null || endpoint.getScheme() == null
                ? Optional.empty()
                : Optional.of(endpoint.getScheme().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * A label for messages, logs and metrics: the endpoint URL without any user name or
     * password, or "local Docker" for the default.
     *
     * @return a human-readable name of the target
     */
    public String label() {
        if (endpoint == null) {
            return "local Docker";
        }
        // A label names the target: no sign of the removed user information is needed.
        return Transports.withoutUserInfo(endpoint).replace("…@", "");
    }
}
