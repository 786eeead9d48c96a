package io.scanopy.plugins.wollomatic;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.EndpointRequirement;
import io.scanopy.spi.HttpProxyPlugin;
import io.scanopy.spi.ProxySetup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pf4j.Extension;

/**
 * wollomatic socket-proxy: per-method regex allowlists ({@code -allowGET=...}), each anchored
 * {@code ^(...)$} and matched case-sensitively against the path as sent, version prefix
 * included. No allowlist for a method gives 405; a path outside the allowlist, or a client
 * outside {@code -allowfrom}, gives 403. Both are plain-text bodies.
 */
// The index must name the SPI interface (not the base class), so ServiceLoader and pf4j find it.
@Extension(points = DockerAccessPlugin.class)
public final class WollomaticProxyPlugin extends HttpProxyPlugin {
    /** The version prefix as a regex, as the daemon sends it after negotiation. */
    public static final String VERSION_PREFIX = "/v1\\.[0-9]+";

    @Override
    public String id() {
        return "docker-proxy-wollomatic";
    }

    @Override
    public String description() {
        return "wollomatic socket-proxy (per-method regex allowlists, -allowfrom)";
    }

    /** The upstream image the setup and the test matrix pin. */
    public static final String IMAGE = "wollomatic/socket-proxy:1.13.1";
    /** The host name the generated setup admits: the daemon's compose service. */
    public static final String DAEMON_HOST = "scanopy-daemon";

    @Override
    public Optional<ProxySetup> proxySetup(Set<DockerEndpoint> allowed) {
        List<EndpointRequirement> endpoints = allowed.stream().sorted()
                .map(e -> new EndpointRequirement(e, false, io.scanopy.spi.Fallback.OMIT, e.capability())).toList();
        List<String> command = new ArrayList<>(List.of("-listenip=0.0.0.0", "-allowfrom=" + DAEMON_HOST));
        for (String method : List.of("GET", "HEAD", "POST")) {
            allowlist(method, endpoints).ifPresent(regex -> command.add("-allow" + method + "=" + regex));
        }
        return Optional.of(new ProxySetup(IMAGE, Map.of(), command, 2375, List.of(
                "-allowfrom names the daemon's compose service; use its address or network CIDR if the daemon runs elsewhere.",
                "The image runs as user 65534: set user: \"65534:<gid>\" with <gid> from: stat -c %g /var/run/docker.sock")));
    }

    @Override
    public boolean recognises(Denial denial) {
        String body = denial.body() == null ? "" : denial.body().strip();
        boolean plain = denial.contentType() != null && denial.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain");
        return plain && ((denial.status() == 403 && body.equals("Forbidden")) || (denial.status() == 405 && body.equals("Method Not Allowed")));
    }

    @Override
    public Optional<String> explainDenial(Denial denial) {
        String method = denial.method().toUpperCase(Locale.ROOT);
        String regex = pathRegex(denial.endpoint(), denial.versionedPath());
        String flag = "-allow" + method + "='" + regex + "' (or SP_ALLOW_" + method + "='" + regex + "')";
        if (denial.status() == 405) {
            return Optional.of("the proxy has no " + method + " allowlist: add " + flag
                    + "; the daemon sends " + (denial.versionedPath() ? "versioned paths such as " : "unversioned paths such as ") + denial.path());
        }
        return Optional.of("add " + flag + " to the allowlist (regexes are anchored and case-sensitive, and must match "
                + (denial.versionedPath() ? "the /v1.xx prefix the daemon sends" : "the unversioned paths the daemon sends") + ")"
                + "; if it is already allowed, the daemon's address is outside -allowfrom (default 127.0.0.1/32): set -allowfrom=<daemon address or network CIDR> (SP_ALLOWFROM) and -listenip=0.0.0.0 (SP_LISTENIP)");
    }

    /**
     * The regex that admits one endpoint.
     *
     * @param endpoint the endpoint
     * @param versioned whether the daemon sends a version prefix
     * @return the regex, for example {@code /v1\.[0-9]+/containers/[^/]+/json}
     */
    public static String pathRegex(DockerEndpoint endpoint, boolean versioned) {
        String path = endpoint.pathTemplate().replace("{id}", "[^/]+").replace(".", "\\.");
        return versioned ? VERSION_PREFIX + path : path;
    }

    /**
     * One allowlist regex for several endpoints of one method, accepting both the versioned and
     * the unversioned form (the daemon sends unversioned paths when {@code /version} is denied).
     *
     * @param method the HTTP method
     * @param requirements the endpoints
     * @return the regex, or empty when none of them uses that method
     */
    public static Optional<String> allowlist(String method, Collection<EndpointRequirement> requirements) {
        String alternatives = requirements.stream().map(EndpointRequirement::endpoint).filter(e -> e.method().equals(method))
                .map(e -> pathRegex(e, false).substring(1)).distinct().collect(Collectors.joining("|"));
        return alternatives.isEmpty() ? Optional.empty() : Optional.of("(" + VERSION_PREFIX + ")?/(" + alternatives + ")");
    }
}
