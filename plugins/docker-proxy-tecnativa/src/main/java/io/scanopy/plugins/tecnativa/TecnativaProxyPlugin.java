package io.scanopy.plugins.tecnativa;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.HttpProxyPlugin;
import io.scanopy.spi.ProxySetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Tecnativa docker-socket-proxy: HAProxy allowing whole API sections by environment toggles
 * ({@code CONTAINERS=1}, {@code NETWORKS=1}, ...; see {@link SectionToggles}). v0.4.1 admits
 * every non-GET/HEAD method with {@code POST=1}; releases after it also refuse creating an exec
 * instance unless {@code ALLOW_EXEC=1}, even with {@code CONTAINERS=1 POST=1 EXEC=1}. Refusals are
 * HAProxy's stock 403 HTML page.
 */
// The index must name the SPI interface (not the base class), so ServiceLoader and pf4j find it.
@Extension(points = DockerAccessPlugin.class)
public final class TecnativaProxyPlugin extends HttpProxyPlugin {
    /** Where releases after v0.4.1 differ: exec creation has its own switch. */
    static final String ALLOW_EXEC = "ALLOW_EXEC";

    @Override
    public String id() {
        return "docker-proxy-tecnativa";
    }

    @Override
    public String description() {
        return "Tecnativa docker-socket-proxy (HAProxy; CONTAINERS/NETWORKS/EXEC/POST/INFO toggles, ALLOW_EXEC after v0.4.1)";
    }

    @Override
    public boolean recognises(Denial denial) {
        return denial.status() == 403
                && denial.contentType() != null && denial.contentType().toLowerCase(Locale.ROOT).startsWith("text/html")
                && denial.body() != null && denial.body().contains("Request forbidden by administrative rules");
    }

    @Override
    public Optional<String> explainDenial(Denial denial) {
        return explainDenial(denial, Set.of());
    }

    @Override
    public Optional<String> explainDenial(Denial denial, Set<DockerEndpoint> allowed) {
        DockerEndpoint endpoint = denial.endpoint();
        if (endpoint == null) {
            return Optional.empty();
        }
        if (endpoint == DockerEndpoint.EXEC_CREATE) {
            // Exec start passing proves POST=1, the container list CONTAINERS=1: only ALLOW_EXEC is left.
            if (allowed.contains(DockerEndpoint.EXEC_START) && allowed.contains(DockerEndpoint.LIST_CONTAINERS)) {
                return Optional.of("set " + ALLOW_EXEC + "=1 in the docker-socket-proxy's environment: it already admits POST and /containers"
                        + " (exec start and the container list pass), so this is the rule of releases after v0.4.1 that refuses"
                        + " creating exec instances unless " + ALLOW_EXEC + "=1");
            }
            return Optional.of(SectionToggles.explain(endpoint, "docker-socket-proxy") + ", and " + ALLOW_EXEC
                    + "=1 on releases after v0.4.1 (they refuse creating exec instances without it)");
        }
        return Optional.of(SectionToggles.explain(endpoint, "docker-socket-proxy"));
    }

    /** The upstream image the setup and the test matrix pin. */
    public static final String IMAGE = "tecnativa/docker-socket-proxy:v0.4.1";

    /** Every toggle of the proxy, in the order its documentation lists them. */
    static final List<String> TOGGLES = List.of("EVENTS", "PING", "VERSION", "AUTH", "BUILD", "COMMIT", "CONFIGS", "CONTAINERS",
            "DISTRIBUTION", "EXEC", "GRPC", "IMAGES", "INFO", "NETWORKS", "NODES", "PLUGINS", "POST", "SECRETS", "SERVICES",
            "SESSION", "SWARM", "SYSTEM", "TASKS", "VOLUMES", "ALLOW_START", "ALLOW_STOP", "ALLOW_RESTARTS");

    @Override
    public Optional<ProxySetup> proxySetup(Set<DockerEndpoint> allowed) {
        Map<String, String> environment = SectionToggles.environment(TOGGLES, allowed);
        List<String> comments = new ArrayList<>();
        if (allowed.contains(DockerEndpoint.EXEC_CREATE)) {
            environment.put(ALLOW_EXEC, "1");
            comments.add(ALLOW_EXEC + "=1: releases after v0.4.1 refuse creating exec instances without it, even with"
                    + " CONTAINERS=1 POST=1 EXEC=1; v0.4.1 ignores it.");
        }
        comments.add("Tecnativa's proxy binds [::]:2375; on a host without IPv6 add DISABLE_IPV6=1.");
        return Optional.of(new ProxySetup(IMAGE, environment, List.of(), 2375, comments));
    }

    @Override
    public List<String> privileges(Set<DockerEndpoint> allowed) {
        return SectionToggles.privileges(allowed,
                "CONTAINERS=1 with POST=1 also admits creating and starting any container (POST /containers/create,"
                        + " /containers/{id}/start), for example a privileged one with the host's root file system mounted:"
                        + " equivalent to root on the host. On v0.4.1 POST=1 admits every method, so also removing containers"
                        + " and writing files into them (DELETE /containers/{id}, PUT /containers/{id}/archive).",
                "Exec (EXEC=1 with POST=1, and ALLOW_EXEC=1 after v0.4.1) lets whoever reaches the proxy run any command,"
                        + " as any user, in every running container.",
                "CONTAINERS=1 exposes every container's configuration on inspect, including its environment variables (often"
                        + " secrets) on v0.4.1 (releases after it blank Env), and on v0.4.1 also its logs and files"
                        + " (GET /containers/{id}/logs, /archive, /export).");
    }
}
