package io.scanopy.plugins.tecnativa;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.HttpProxyPlugin;
import io.scanopy.spi.ProxySetup;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * LinuxServer's socket-proxy ({@code lscr.io/linuxserver/socket-proxy}): Tecnativa's toggles
 * ({@link SectionToggles}) on nginx, one regex location per section, first match wins;
 * {@code POST=1} selects the template that admits other methods. Refusals are nginx's stock 403
 * page ({@code <center>nginx</center>}), which tells it apart from Tecnativa's HAProxy page.
 * Meant to run with a read-only root and tmpfs on {@code /run}; it runs as root (upstream supports
 * no other user).
 */
// The index must name the SPI interface (not the base class), so ServiceLoader and pf4j find it.
@Extension(points = DockerAccessPlugin.class)
public final class LinuxServerProxyPlugin extends HttpProxyPlugin {
    /** The upstream image the setup pins. */
    public static final String IMAGE = "lscr.io/linuxserver/socket-proxy:1.24.0";

    /** Every toggle of the proxy, in the order its documentation lists them (no GRPC, unlike Tecnativa). */
    static final List<String> TOGGLES = List.of("EVENTS", "PING", "VERSION", "AUTH", "SECRETS", "POST", "BUILD", "COMMIT", "CONFIGS",
            "CONTAINERS", "ALLOW_START", "ALLOW_STOP", "ALLOW_RESTARTS", "DISTRIBUTION", "EXEC", "IMAGES", "INFO", "NETWORKS", "NODES",
            "PLUGINS", "SERVICES", "SESSION", "SWARM", "SYSTEM", "TASKS", "VOLUMES");

    private static final String PROXY = "socket-proxy";

    @Override
    public String id() {
        return "docker-proxy-linuxserver";
    }

    @Override
    public String description() {
        return "LinuxServer socket-proxy (nginx; Tecnativa's CONTAINERS/NETWORKS/EXEC/POST/INFO toggles)";
    }

    @Override
    public boolean recognises(Denial denial) {
        String body = denial.body();
        return denial.status() == 403
                && denial.contentType() != null && denial.contentType().toLowerCase(Locale.ROOT).startsWith("text/html")
                && body != null && body.contains("<center><h1>403 Forbidden</h1></center>") && body.contains("<hr><center>nginx");
    }

    @Override
    public Optional<String> explainDenial(Denial denial) {
        return denial.endpoint() == null ? Optional.empty() : Optional.of(SectionToggles.explain(denial.endpoint(), PROXY));
    }

    @Override
    public Optional<ProxySetup> proxySetup(Set<DockerEndpoint> allowed) {
        return Optional.of(new ProxySetup(IMAGE, SectionToggles.environment(TOGGLES, allowed), List.of(), 2375,
                List.of("LinuxServer's proxy runs as root inside its container (upstream supports no other user); read-only root,"
                        + " with tmpfs where nginx writes its configuration, pid and buffers.",
                        "It binds [::]:2375; on a host without IPv6 add DISABLE_IPV6=1."),
                null, true, List.of("/run", "/tmp")));
    }

    @Override
    public List<String> privileges(Set<DockerEndpoint> allowed) {
        return SectionToggles.privileges(allowed,
                "CONTAINERS=1 with POST=1 also admits every method on /containers: creating, updating and removing any container"
                        + " and writing files into it (PUT /containers/{id}/archive); only start, stop, restart and kill keep their"
                        + " own ALLOW_* switches. A container created with the host's root file system mounted, or written into"
                        + " through a host mount, is a step from root on the host.",
                "Exec (EXEC=1 with POST=1) lets whoever reaches the proxy run any command, as any user, in every running container.",
                "CONTAINERS=1 exposes every container's configuration on inspect, including its environment variables (often"
                        + " secrets), and its logs and files (GET /containers/{id}/logs, /archive, /export).");
    }
}
