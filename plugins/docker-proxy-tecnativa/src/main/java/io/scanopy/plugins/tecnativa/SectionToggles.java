package io.scanopy.plugins.tecnativa;

import io.scanopy.spi.DockerEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The variable scheme Tecnativa's docker-socket-proxy introduced and LinuxServer's socket-proxy
 * kept: one {@code 1}/{@code 0} toggle per API section (the path's first segment, upper-cased:
 * {@code CONTAINERS}, {@code NETWORKS}, {@code EXEC}, {@code PING} for {@code /_ping}, ...) and
 * {@code POST=1} for any method other than GET and HEAD. The one place both plugins read it from.
 */
final class SectionToggles {
    /** What docker exec needs in every proxy of the family, said the same way everywhere. */
    static final String EXEC_NEEDS = "docker exec needs CONTAINERS=1, EXEC=1 and POST=1 together";

    private SectionToggles() {
    }

    /**
     * The toggles that must be on for an endpoint: its section, plus {@code POST} for any
     * method other than GET and HEAD.
     *
     * @param endpoint the endpoint
     * @return the variable names, section first
     */
    static Set<String> variablesFor(DockerEndpoint endpoint) {
        Set<String> variables = new LinkedHashSet<>();
        variables.add(section(endpoint));
        if (!endpoint.method().equals("GET") && !endpoint.method().equals("HEAD")) {
            variables.add("POST");
        }
        return variables;
    }

    /** The section toggle: the path's first segment, upper-cased, as the proxies' templates name them. */
    static String section(DockerEndpoint endpoint) {
        String first = endpoint.pathTemplate().substring(1).split("/")[0];
        return first.equals("_ping") ? "PING" : first.toUpperCase(Locale.ROOT);
    }

    /**
     * @param allowed endpoints
     * @return every toggle those endpoints need on
     */
    static Set<String> on(Set<DockerEndpoint> allowed) {
        Set<String> on = new LinkedHashSet<>();
        for (DockerEndpoint endpoint : allowed) {
            on.addAll(variablesFor(endpoint));
        }
        return on;
    }

    /**
     * Every toggle explicitly, so the upstream defaults ({@code EVENTS=1}, ...) are switched
     * off too when not needed.
     *
     * @param toggles the proxy's toggles, in its documentation's order
     * @param allowed the endpoints to allow
     * @return the environment
     */
    static Map<String, String> environment(List<String> toggles, Set<DockerEndpoint> allowed) {
        Set<String> on = on(allowed);
        Map<String, String> environment = new LinkedHashMap<>();
        for (String toggle : toggles) {
            environment.put(toggle, on.contains(toggle) ? "1" : "0");
        }
        return environment;
    }

    /**
     * The remediation for a denied endpoint, in the section toggles.
     *
     * @param endpoint the denied endpoint
     * @param proxy how the text names the proxy, for example {@code docker-socket-proxy}
     * @return the text
     */
    static String explain(DockerEndpoint endpoint, String proxy) {
        return "set " + String.join(" and ", variablesFor(endpoint).stream().map(v -> v + "=1").toList())
                + " in the " + proxy + "'s environment" + (endpoint.isExec() ? " (" + EXEC_NEEDS + ")" : "");
    }

    /**
     * What the toggles that admit the endpoints grant beyond them, most serious first; the
     * flavour adds what differs in its own words.
     *
     * @param allowed the endpoints the proxy admits
     * @param writeGrant what {@code CONTAINERS=1} with {@code POST=1} admits in this flavour
     * @param execGrant what exec admits in this flavour
     * @param readGrant what {@code CONTAINERS=1} exposes for reading in this flavour
     * @return the grants
     */
    static List<String> privileges(Set<DockerEndpoint> allowed, String writeGrant, String execGrant, String readGrant) {
        Set<String> on = on(allowed);
        List<String> grants = new ArrayList<>();
        if (on.contains("CONTAINERS") && on.contains("POST")) {
            grants.add(writeGrant);
        }
        grants.addAll(swarmWriteGrants(on));
        if (allowed.contains(DockerEndpoint.EXEC_CREATE) && allowed.contains(DockerEndpoint.EXEC_START)) {
            grants.add(execGrant);
        }
        if (on.contains("CONTAINERS")) {
            grants.add(readGrant);
        }
        grants.addAll(swarmReadGrants(on));
        return grants;
    }

    /**
     * What the Swarm sections grant on a manager with POST on, the same in every flavour of the
     * family: each toggle admits its whole section, so more than the list the daemon reads.
     */
    private static List<String> swarmWriteGrants(Set<String> on) {
        List<String> grants = new ArrayList<>();
        if (on.contains("SERVICES") && on.contains("POST")) {
            grants.add("SERVICES=1 with POST=1 admits creating and updating services (POST /services/create, /services/{id}/update) on a Swarm"
                    + " manager: any container, privileged or with host paths mounted, on every node of the cluster — root on every node.");
        }
        if (on.contains("NODES") && on.contains("POST")) {
            grants.add("NODES=1 with POST=1 admits changing the cluster's nodes (POST /nodes/{id}/update: promote, demote, drain, labels that steer placement).");
        }
        return grants;
    }

    /** What the Swarm sections expose for reading on a manager. */
    private static List<String> swarmReadGrants(Set<String> on) {
        List<String> grants = new ArrayList<>();
        if (on.contains("SERVICES") || on.contains("TASKS")) {
            grants.add("SERVICES=1 and TASKS=1 expose every service's and task's specification on a Swarm manager, including its environment"
                    + " variables (often secrets) and the names of the secrets and configs it uses, and the logs of every task on every node"
                    + " (GET /services/{id}/logs, /tasks/{id}/logs).");
        }
        if (on.contains("NODES")) {
            grants.add("NODES=1 exposes every node of the cluster: host name, address, engine version, resources and labels.");
        }
        return grants;
    }
}
