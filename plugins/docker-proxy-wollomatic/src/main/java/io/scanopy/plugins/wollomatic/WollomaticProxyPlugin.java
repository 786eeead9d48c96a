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

    /** The compose {@code user:} of the generated service: the image's user, with the socket's group from the environment. */
    public static final String USER = "65534:${DOCKER_GID:?set DOCKER_GID to the group of /var/run/docker.sock}";

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
                "The image runs as user 65534 and needs the socket's group; set it before docker compose up: export DOCKER_GID=$(stat -c %g /var/run/docker.sock)"),
                USER, false, List.of()));
    }

    @Override
    public List<String> privileges(Set<DockerEndpoint> allowed) {
        List<String> grants = new ArrayList<>();
        if (allowed.contains(DockerEndpoint.EXEC_CREATE) && allowed.contains(DockerEndpoint.EXEC_START)) {
            grants.add("POST /containers/{id}/exec and /exec/{id}/start run any command in every running container, as any user including root"
                    + " and with all capabilities (exec's Privileged); in a container that is privileged or mounts the Docker socket or host paths, that reaches the host;"
                    + " the regexes are exact, so no other POST (create, start, stop, kill, delete) passes, unlike Tecnativa's CONTAINERS+POST sections");
        } else if (allowed.contains(DockerEndpoint.EXEC_CREATE)) {
            grants.add("POST /containers/{id}/exec creates exec instances in every running container (they cannot be started without /exec/{id}/start)");
        }
        if (allowed.contains(DockerEndpoint.INSPECT_CONTAINER)) {
            grants.add("GET /containers/{id}/json reads the full configuration of every container, including its environment variables"
                    + " (often passwords and API keys), command, mounts and labels; wollomatic passes it unfiltered");
        }
        if (allowed.contains(DockerEndpoint.LIST_CONTAINERS)) {
            grants.add("GET /containers/json lists every container with its image, command, labels, ports and addresses");
        }
        if (allowed.contains(DockerEndpoint.EVENTS)) {
            grants.add("GET /events shows every container and network change as it happens, with each container's labels");
        }
        // By path, not by the SPI 1.4 constants: the plugin still loads on an engine with SPI 1.2 (its Plugin-Requires).
        Set<String> paths = allowed.stream().map(DockerEndpoint::pathTemplate).collect(Collectors.toSet());
        if (paths.contains("/services") || paths.contains("/tasks")) {
            grants.add("GET /services and /tasks read every Swarm service's and task's specification on a manager, including environment variables"
                    + " (often secrets) and the names of the secrets and configs it uses; the regexes are exact, so no service logs and no writes");
        }
        if (paths.contains("/nodes")) {
            grants.add("GET /nodes reads every Swarm node's host name, address, engine version, resources and labels");
        }
        if (allowed.contains(DockerEndpoint.INFO)) {
            grants.add("GET /info reads the host's name, kernel, OS, CPU and memory, and the engine's configuration");
        }
        return grants;
    }

    @Override
    public boolean recognises(Denial denial) {
        return isOwnAnswer(denial);
    }

    private static boolean isOwnAnswer(Denial denial) {
        String body = denial.body() == null ? "" : denial.body().strip();
        boolean plain = denial.contentType() != null && denial.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain");
        return plain && ((denial.status() == 403 && body.equals("Forbidden")) || (denial.status() == 405 && body.equals("Method Not Allowed")));
    }

    /** Whether the proxy admits this client's address, as far as the answers tell. */
    enum AddressVerdict { ADMITTED, REFUSED, UNKNOWN }

    /**
     * wollomatic checks the client address before the method: a refused address gets 403 on every
     * request, an admitted one gets 405 for a method without allowlist. So a 405 proves the
     * address admitted, and the flavour probe (a DELETE, a method no discovery setup allowlists)
     * answered 403 means refused.
     *
     * @param denial the denial, with the flavour probe's answer when one was sent
     * @return the verdict
     */
    static AddressVerdict addressVerdict(Denial denial) {
        Denial probe = denial.flavorProbe();
        if (denial.status() == 405 || probe != null && probe.status() == 405) {
            return AddressVerdict.ADMITTED;
        }
        return probe != null && probe.status() == 403 && isOwnAnswer(probe) ? AddressVerdict.REFUSED : AddressVerdict.UNKNOWN;
    }

    @Override
    public Optional<String> explainDenial(Denial denial) {
        if (denial.endpoint() == null) {
            return Optional.empty();
        }
        String method = denial.method().toUpperCase(Locale.ROOT);
        AddressVerdict verdict = addressVerdict(denial);
        if (verdict == AddressVerdict.REFUSED) {
            return Optional.of("the proxy refuses the daemon's address" + (denial.clientAddress() == null ? "" : ", " + denial.clientAddress() + " as the proxy sees it,")
                    + " before reading any allowlist: " + allowFrom(denial));
        }
        String regex = pathRegexBothForms(denial.endpoint());
        String add = "add -allow" + method + "='" + regex + "' (or SP_ALLOW_" + method + "_" + denial.endpoint().name() + "='" + regex + "')"
                + "; it admits the path with and without /v1.xx";
        if (denial.status() == 405) {
            return Optional.of("the proxy has no " + method + " allowlist: " + add);
        }
        if (verdict == AddressVerdict.ADMITTED) {
            return Optional.of(method + " " + denial.path() + " is outside the " + method + " allowlist: " + add);
        }
        return Optional.of(add + "; if it is already allowed, the daemon's address is outside -allowfrom: " + allowFrom(denial));
    }

    /** The -allowfrom advice: applicable as printed when the address is known. */
    private static String allowFrom(Denial denial) {
        if (denial.clientAddress() != null) {
            String cidr = denial.clientAddress() + (denial.clientAddress().contains(":") ? "/128" : "/32");
            return "set -allowfrom=" + cidr + " (SP_ALLOWFROM)";
        }
        return "set -allowfrom (SP_ALLOWFROM) to the daemon's address as the proxy sees it: on the proxy's network its own address;"
                + " through a port Docker publishes on the host, the gateway of the proxy's network (docker network inspect), not 127.0.0.1";
    }

    /**
     * The regex that admits one endpoint with or without the version prefix, as the daemon sends
     * it unversioned until {@code /version} is allowed and versioned after.
     *
     * @param endpoint the endpoint
     * @return the regex, for example {@code (/v1\.[0-9]+)?/containers/[^/]+/json}
     */
    public static String pathRegexBothForms(DockerEndpoint endpoint) {
        return "(" + VERSION_PREFIX + ")?" + pathRegex(endpoint, false);
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
