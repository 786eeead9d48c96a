package io.scanopy.cli;

import io.scanopy.engine.capability.CapabilityNegotiator;
import io.scanopy.engine.config.DaemonSettings;
import io.scanopy.engine.config.Flavors;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.swarm.SwarmMapping;
import io.scanopy.engine.target.TargetSession;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.EndpointRequirement;
import io.scanopy.spi.Fallback;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scanopy-daemon doctor}: the user guide's troubleshooting as checks. Per target: the
 * TLS files, the connection, which plugin answers, the capability matrix with the fallback in
 * use and the fix for each denial, and whether service detection runs full or degraded.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = "Check every target: connection, TLS, allowed endpoints, fallbacks, and what to change. Exit 1 when a required capability is missing.")
final class DoctorCommand extends DaemonCommand implements Callable<Integer> {

    @Option(names = "--no-exec", description = "Exec is not wanted: do not check it.")
    boolean noExec;

    @Override
    public Integer call() throws Exception {
        DaemonSettings settings = settings();
        PrintWriter out = humanOut();
        boolean healthy = true;
        try (PluginRegistry plugins = plugins(settings)) {
            DiscoveryEngine engine = new DiscoveryEngine(plugins);
            for (TargetSpec target : settings.targets()) {
                out.println("Target: " + target.label());
                healthy &= check(engine, target, settings.targetTimeout(), out);
                out.println();
            }
        }
        out.flush();
        return healthy ? 0 : ScanopyDaemon.EXIT_FAILED;
    }

    private boolean check(DiscoveryEngine engine, TargetSpec target, java.time.Duration timeout, PrintWriter out) {
        try (TargetSession session = engine.open(target, timeout)) {
            out.println("  plugin:     " + session.plugin().id() + (target.flavor() == null ? "" : " (forced)"));
            for (String reason : session.selectionReasons()) {
                out.println("              " + reason);
            }
            out.println("  address:    " + session.docker().transport().describe());
            CapabilityReport report = session.negotiate(!noExec).report();
            String product = session.describeEngine(List.of(), List.of(), List.of()).productLabel();
            out.println("  engine:     " + (product == null ? "unknown — GET /version gave no version" : product));
            out.println("  API:        " + session.docker().apiVersion().map(v -> "v" + v).orElse("unversioned paths"));
            out.println();
            out.printf("  %-30s %-12s %-5s %-10s %s%n", "ENDPOINT", "STATUS", "HTTP", "DENIED BY", "FALLBACK IN USE");
            for (Check c : report.checks()) {
                EndpointRequirement requirement = session.plugin().plugin().endpoints().stream()
                        .filter(r -> r.endpoint() == c.endpoint()).findFirst().orElse(null);
                boolean required = requirement != null && requirement.required();
                out.printf("  %-30s %-12s %-5s %-10s %s%n", c.endpoint().method() + " " + c.endpoint().pathTemplate(),
                        c.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        c.httpStatus() == null ? "" : c.httpStatus(), c.deniedBy() == null ? "" : c.deniedBy(),
                        !notAllowed(c) ? "" : required ? "none: REQUIRED" : c.fallback().effect());
            }
            // The same judgement discovery makes: doctor and discover always agree on whether discovery can work.
            java.util.Optional<String> blocker = session.cannotDiscover(report);
            boolean anyDenied = report.checks().stream().anyMatch(DoctorCommand::notAllowed);
            if (anyDenied) {
                out.println();
                out.println("  To fix:");
                for (Check c : report.checks()) {
                    if (notAllowed(c)) {
                        out.println("  - " + c.endpoint().method() + " " + c.endpoint().pathTemplate() + ": " + c.remediation());
                    }
                }
            }
            printPrivileges(session, report, out);
            out.println();
            out.println("  detection:  " + detection(report));
            out.println("  changes:    " + changes(report));
            out.println("  swarm:      " + swarm(report, session.negotiated().map(CapabilityNegotiator.Negotiated::info).orElse(null)));
            boolean requiredDenied = report.checks().stream().anyMatch(c -> c.status() == Status.DENIED && (c.endpoint() == DockerEndpoint.LIST_CONTAINERS
                    || session.plugin().plugin().endpoints().stream().anyMatch(r -> r.endpoint() == c.endpoint() && r.required())));
            out.println("  verdict:    " + (blocker.isPresent() && requiredDenied ? "FAILED — a required endpoint is denied; nothing can be discovered"
                    : blocker.isPresent() ? "FAILED — nothing can be discovered: " + blocker.get()
                    : anyDenied ? "DEGRADED — discovery works with the fallbacks above" : "OK"));
            return blocker.isEmpty();
        } catch (DockerAccessException e) {
            out.println("  verdict:    FAILED — " + e.getMessage());
            return false;
        }
    }

    /** Denied, failing, or not Docker's: a fallback is in use (or nothing works). */
    private static boolean notAllowed(Check c) {
        return c.status() != Status.ALLOWED && c.status() != Status.NOT_CHECKED;
    }

    /**
     * What the access was found to allow and what that grants, in the plugin's own words, with
     * the least-privilege path first: reading alone needs only GETs.
     */
    private void printPrivileges(TargetSession session, CapabilityReport report, PrintWriter out) {
        Set<DockerEndpoint> allowed = EnumSet.noneOf(DockerEndpoint.class);
        for (Check c : report.checks()) {
            if (c.status() == Status.ALLOWED) {
                allowed.add(c.endpoint());
            }
        }
        out.println();
        out.println("  Privileges (what this access was found to allow, and what that grants):");
        out.println("    allowed:  " + (allowed.isEmpty() ? "nothing" : String.join(", ", allowed.stream().map(e -> e.method() + " " + e.pathTemplate()).toList())));
        List<String> grants = session.plugin().plugin().privileges(allowed);
        for (String grant : grants) {
            out.println("    GRANTS:   " + grant);
        }
        if (grants.isEmpty()) {
            out.println("    GRANTS:   the plugin " + session.plugin().id() + " states nothing beyond the endpoints allowed above");
        }
        boolean execAllowed = allowed.stream().anyMatch(DockerEndpoint::isExec);
        boolean configurableProxy = session.plugin().plugin().proxySetup(allowed).isPresent();
        String flavor = Flavors.flavorOf(session.plugin().id());
        if (!configurableProxy) {
            // Direct access: any proxy is less than the engine itself.
            out.println("    least privilege: put a socket proxy in front of the engine; the least is GET-only, without exec:"
                    + " scanopy-daemon proxy-config --flavor tecnativa --no-exec (or --flavor wollomatic --no-exec)");
        } else if (execAllowed) {
            out.println("    least privilege: without exec (--no-exec), a GET-only proxy is enough: scanopy-daemon proxy-config --flavor " + flavor + " --no-exec");
            if (flavor.equals("tecnativa") || flavor.equals("linuxserver")) {
                out.println("    with exec: wollomatic's exact rules are narrower (they admit the exec calls only, not creating or starting containers):"
                        + " scanopy-daemon proxy-config --flavor wollomatic");
            }
        }
    }

    /** Whether the cluster of a Swarm manager is read, and what of it. */
    private static String swarm(CapabilityReport report, com.fasterxml.jackson.databind.JsonNode info) {
        List<Check> lists = report.checks().stream().filter(c -> c.endpoint().isSwarm()).toList();
        if (lists.isEmpty()) {
            return "not read (the plugin declares no Swarm endpoints)";
        }
        if (info == null) {
            return "unknown — GET /info is not allowed, so whether this engine manages a Swarm cluster cannot be told; the cluster is not read";
        }
        if (!SwarmMapping.isManager(info)) {
            return "active".equals(info.path("Swarm").path("LocalNodeState").asText())
                    ? "a Swarm worker: only managers list the cluster (add a target that reaches a manager); this node's containers are discovered"
                    : "not a Swarm manager: no cluster to read (the Swarm endpoints are not checked)";
        }
        List<String> missing = lists.stream().filter(DoctorCommand::notAllowed).map(c -> c.endpoint().method() + " " + c.endpoint().pathTemplate()).toList();
        return missing.isEmpty() ? "a Swarm manager: the cluster's nodes, services and tasks are read, and followed (service and node events, and every "
                + "15 s)" : "a Swarm manager, cluster partial — " + String.join(", ", missing) + " not allowed (see To fix): " + Fallback.LOCAL_NODE_ONLY.effect();
    }

    /** How the daemon will stay current on this target. */
    private static String changes(CapabilityReport report) {
        Check events = report.check(DockerEndpoint.EVENTS);
        if (events == null || !notAllowed(events)) {
            return "followed live (GET /events allowed): the daemon sees each change within a fraction of a second";
        }
        if (events.status() != Status.DENIED) {
            return "polled — GET /events " + (events.status() == Status.ERROR ? "failed" : "is not answered as Docker does") + " (HTTP " + events.httpStatus()
                    + "): the daemon lists containers every --poll-interval (30 s) instead";
        }
        return "polled — GET /events is denied (HTTP " + events.httpStatus() + " from the " + events.deniedBy()
                + "): the daemon lists containers every --poll-interval (30 s) instead; to follow events: " + events.remediation();
    }

    private String detection(CapabilityReport report) {
        if (noExec) {
            return "degraded (exec not wanted: --no-exec)";
        }
        for (DockerEndpoint e : new DockerEndpoint[] {DockerEndpoint.EXEC_CREATE, DockerEndpoint.EXEC_START, DockerEndpoint.EXEC_INSPECT}) {
            Check c = report.check(e);
            if (c != null && c.status() != Status.DENIED && notAllowed(c)) {
                return "degraded — exec is not usable (" + e.method() + " " + e.pathTemplate() + ": " + c.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                        + ", HTTP " + c.httpStatus() + "): containers are still discovered, services only from image, label and port rules";
            }
            if (c != null && c.status() == Status.DENIED) {
                return "degraded — exec is denied (" + e.method() + " " + e.pathTemplate() + ", HTTP " + c.httpStatus() + " from the " + c.deniedBy()
                        + "): containers are still discovered, services only from image, label and port rules";
            }
        }
        return "full (exec allowed)";
    }
}
