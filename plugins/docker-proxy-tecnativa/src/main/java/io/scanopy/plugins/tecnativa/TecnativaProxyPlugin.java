package io.scanopy.plugins.tecnativa;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.HttpProxyPlugin;
import io.scanopy.spi.ProxySetup;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Tecnativa docker-socket-proxy: HAProxy allowing whole API sections by environment toggles
 * ({@code CONTAINERS=1}, {@code NETWORKS=1}, ...), and every non-GET/HEAD method only with
 * {@code POST=1}. Refusals are HAProxy's stock 403 HTML page.
 */
// The index must name the SPI interface (not the base class), so ServiceLoader and pf4j find it.
@Extension(points = DockerAccessPlugin.class)
public final class TecnativaProxyPlugin extends HttpProxyPlugin {

    @Override
    public String id() {
        return "docker-proxy-tecnativa";
    }

    @Override
    public String description() {
        return "Tecnativa docker-socket-proxy (HAProxy; CONTAINERS/NETWORKS/EXEC/POST/INFO toggles)";
    }

    @Override
    public boolean recognises(Denial denial) {
        return denial.status() == 403
                && denial.contentType() != null && denial.contentType().toLowerCase(Locale.ROOT).startsWith("text/html")
                && denial.body() != null && denial.body().contains("Request forbidden by administrative rules");
    }

    @Override
    public Optional<String> explainDenial(Denial denial) {
        Set<String> variables = variablesFor(denial.endpoint());
        if (variables.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("set " + String.join(" and ", variables.stream().map(v -> v + "=1").toList())
                + " in the docker-socket-proxy's environment" + (denial.endpoint().isExec() ? " (docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together)" : ""));
    }

    /** The upstream image the setup and the test matrix pin. */
    public static final String IMAGE = "tecnativa/docker-socket-proxy:v0.4.1";

    /** Every toggle of the proxy, in the order its documentation lists them. */
    static final List<String> TOGGLES = List.of("EVENTS", "PING", "VERSION", "AUTH", "BUILD", "COMMIT", "CONFIGS", "CONTAINERS",
            "DISTRIBUTION", "EXEC", "GRPC", "IMAGES", "INFO", "NETWORKS", "NODES", "PLUGINS", "POST", "SECRETS", "SERVICES",
            "SESSION", "SWARM", "SYSTEM", "TASKS", "VOLUMES", "ALLOW_START", "ALLOW_STOP", "ALLOW_RESTARTS");

    @Override
    public Optional<ProxySetup> proxySetup(Set<DockerEndpoint> allowed) {
        Set<String> on = new LinkedHashSet<>();
        for (DockerEndpoint endpoint : allowed) {
            on.addAll(variablesFor(endpoint));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        // Every toggle explicitly, so the upstream defaults (EVENTS=1, ...) are switched off too.
        for (String toggle : TOGGLES) {
            environment.put(toggle, on.contains(toggle) ? "1" : "0");
        }
        return Optional.of(new ProxySetup(IMAGE, environment, List.of(), 2375,
                List.of("Tecnativa's proxy binds [::]:2375; on a host without IPv6 add DISABLE_IPV6=1.")));
    }

    /**
     * The toggles that must be on for an endpoint: its section, plus {@code POST} for any
     * method other than GET and HEAD.
     *
     * @param endpoint the endpoint
     * @return the variable names, section first
     */
    public static Set<String> variablesFor(DockerEndpoint endpoint) {
        Set<String> variables = new LinkedHashSet<>();
        variables.add(section(endpoint));
        if (!endpoint.method().equals("GET") && !endpoint.method().equals("HEAD")) {
            variables.add("POST");
        }
        return variables;
    }

    /** The section toggle: the path's first segment, upper-cased, as the proxy's template names them. */
    static String section(DockerEndpoint endpoint) {
        String first = endpoint.pathTemplate().substring(1).split("/")[0];
        return first.equals("_ping") ? "PING" : first.toUpperCase(Locale.ROOT);
    }
}
