package io.scanopy.server;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Inventory;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The inventory as Prometheus HTTP service discovery ({@code /api/sd/prometheus}): target
 * groups, one per running container, TCP port and network the container has an address on.
 *
 * <p>Targets are container addresses ({@code ip:privatePort}), which a Prometheus attached to
 * the same Docker network reaches. Published ports are left out: the address at which the
 * engine's host is reachable from Prometheus is not something the inventory knows (the engine's
 * name need not resolve, the daemon may reach it through a proxy), and a wrong guess would make
 * failing targets. Stale containers are left out too: their addresses may already belong to
 * someone else. Every port is offered; relabelling in Prometheus picks the ones to scrape
 * (by {@code __meta_scanopy_service} or {@code __meta_scanopy_port}).
 */
final class ScrapeTargets {
    private static final String META = "__meta_scanopy_";

    private ScrapeTargets() {
    }

    /** One target group in Prometheus's format. */
    record Group(List<String> targets, Map<String, String> labels) {
    }

    /**
     * @param inventory the inventory
     * @return the groups, in the inventory's order (engine, container, port, network)
     */
    static List<Group> from(Inventory inventory) {
        List<Group> groups = new ArrayList<>();
        for (DockerEngine engine : inventory.engines()) {
            for (Container container : engine.containers()) {
                if (!"running".equals(container.state()) || Boolean.TRUE.equals(container.stale())) {
                    continue;
                }
                for (int port : tcpPorts(container)) {
                    for (NetworkAttachment network : container.networks()) {
                        String address = address(network);
                        if (address != null) {
                            groups.add(new Group(List.of(address + ":" + port), labels(engine, container, network, port)));
                        }
                    }
                }
            }
        }
        return groups;
    }

    /** Private TCP ports, once each (a port published on IPv4 and IPv6 is listed twice). */
    private static TreeSet<Integer> tcpPorts(Container container) {
        TreeSet<Integer> ports = new TreeSet<>();
        container.ports().stream().filter(p -> "tcp".equals(p.protocol())).forEach(p -> ports.add(p.privatePort()));
        return ports;
    }

    /** IPv4 when there is one; otherwise IPv6 in brackets; null on a network without address (host, none). */
    private static String address(NetworkAttachment network) {
        if (network.ipAddress() != null && !network.ipAddress().isEmpty()) {
            return network.ipAddress();
        }
        if (network.ipv6Address() != null && !network.ipv6Address().isEmpty()) {
            return "[" + network.ipv6Address() + "]";
        }
        return null;
    }

    private static Map<String, String> labels(DockerEngine engine, Container container, NetworkAttachment network, int port) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(META + "engine_id", engine.id());
        labels.put(META + "container_id", container.id());
        labels.put(META + "container_name", container.displayName());
        putIfPresent(labels, "image", container.image());
        if (container.compose() != null) {
            putIfPresent(labels, "compose_project", container.compose().project());
            putIfPresent(labels, "compose_service", container.compose().service());
        }
        putIfPresent(labels, "network", network.networkName());
        labels.put(META + "port", Integer.toString(port));
        putIfPresent(labels, "service", serviceOn(container, port));
        return labels;
    }

    private static void putIfPresent(Map<String, String> labels, String name, String value) {
        if (value != null && !value.isEmpty()) {
            labels.put(META + name, value);
        }
    }

    /**
     * The service a port serves: the strongest service with evidence on that port; failing
     * that, the strongest one recognised for the whole container (by image, label or name:
     * evidence naming no port), since those describe every port of the container. Services are
     * ordered strongest first.
     */
    private static String serviceOn(Container container, int port) {
        for (DetectedService service : container.services()) {
            if (service.evidence().stream().anyMatch(e -> Objects.equals(e.port(), port))) {
                return service.definitionId();
            }
        }
        for (DetectedService service : container.services()) {
            if (service.evidence().stream().allMatch(e -> e.port() == null)) {
                return service.definitionId();
            }
        }
        return null;
    }
}
