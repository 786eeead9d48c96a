package io.scanopy.engine.discovery;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Container.Compose;
import io.scanopy.spi.inventory.Container.Port;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Maps docker-java's container answers to the inventory model. The list entry gives names,
 * image, state, status, labels, command and live ports; the inspection, when allowed, adds
 * exposed-only ports of stopped containers and complete network attachments (aliases).
 * Everything is sorted so the same engine state gives the same inventory.
 */
final class ContainerMapper {
    static final String COMPOSE_PROJECT = "com.docker.compose.project";
    static final String COMPOSE_SERVICE = "com.docker.compose.service";

    private static final Comparator<Port> PORT_ORDER = Comparator.comparingInt(Port::privatePort)
            .thenComparing(Port::protocol)
            .thenComparing(p -> p.hostIp() == null ? "" : p.hostIp())
            .thenComparing(p -> p.publicPort() == null ? -1 : p.publicPort());

    private ContainerMapper() {
    }

    static Container fromList(com.github.dockerjava.api.model.Container listed) {
        return map(listed, null);
    }

    static Container fromInspection(com.github.dockerjava.api.model.Container listed, InspectContainerResponse inspected) {
        return map(listed, Objects.requireNonNull(inspected));
    }

    private static Container map(com.github.dockerjava.api.model.Container listed, InspectContainerResponse inspected) {
        Map<String, String> labels = listed.getLabels() == null ? Map.of() : listed.getLabels();
        Compose compose = labels.containsKey(COMPOSE_PROJECT) || labels.containsKey(COMPOSE_SERVICE)
                ? new Compose(labels.get(COMPOSE_PROJECT), labels.get(COMPOSE_SERVICE)) : null;
        List<String> names = listed.getNames() == null ? List.of()
                : Arrays.stream(listed.getNames()).map(n -> n.startsWith("/") ? n.substring(1) : n).sorted().toList();
        return new Container(
                listed.getId(),
                names,
                listed.getImage(),
                listed.getImageId(),
                listed.getState(),
                listed.getStatus(),
                listed.getCreated() == null ? null : Instant.ofEpochSecond(listed.getCreated()),
                startedAt(inspected),
                labels,
                compose,
                listed.getCommand(),
                ports(listed, inspected),
                networks(listed, inspected),
                List.of(),
                inspected == null ? Container.Detail.LIST_ONLY : Container.Detail.INSPECT);
    }

    /** Docker's StartedAt; the zero time means "never started". */
    private static Instant startedAt(InspectContainerResponse inspected) {
        if (inspected == null || inspected.getState() == null || inspected.getState().getStartedAt() == null) {
            return null;
        }
        try {
            Instant started = Instant.parse(inspected.getState().getStartedAt());
            return started.getEpochSecond() <= 0 ? null : started;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static List<Port> ports(com.github.dockerjava.api.model.Container listed, InspectContainerResponse inspected) {
        TreeSet<Port> ports = new TreeSet<>(PORT_ORDER);
        if (listed.getPorts() != null) {
            for (ContainerPort p : listed.getPorts()) {
                if (p.getPrivatePort() == null) {
                    continue;
                }
                boolean published = p.getPublicPort() != null;
                ports.add(new Port(p.getPrivatePort(), protocol(p.getType()), published ? p.getPublicPort() : null, published ? p.getIp() : null));
            }
        }
        if (inspected != null) {
            // Exposed ports stay in the config when a container is stopped; the list then shows none.
            ExposedPort[] exposed = inspected.getConfig() == null ? null : inspected.getConfig().getExposedPorts();
            if (exposed != null) {
                for (ExposedPort e : exposed) {
                    addExposedOnly(ports, e);
                }
            }
            Ports bindings = inspected.getNetworkSettings() == null ? null : inspected.getNetworkSettings().getPorts();
            if (bindings != null && bindings.getBindings() != null) {
                for (Map.Entry<ExposedPort, Ports.Binding[]> entry : bindings.getBindings().entrySet()) {
                    ExposedPort e = entry.getKey();
                    if (entry.getValue() == null || entry.getValue().length == 0) {
                        addExposedOnly(ports, e);
                        continue;
                    }
                    for (Ports.Binding binding : entry.getValue()) {
                        Integer hostPort = parsePort(binding.getHostPortSpec());
                        ports.add(new Port(e.getPort(), protocol(e.getProtocol().toString()), hostPort,
                                hostPort == null ? null : emptyToNull(binding.getHostIp())));
                    }
                }
            }
        }
        return new ArrayList<>(ports);
    }

    /** An exposed port is listed once, and only when no publication of it is known. */
    private static void addExposedOnly(TreeSet<Port> ports, ExposedPort e) {
        String protocol = protocol(e.getProtocol().toString());
        boolean known = ports.stream().anyMatch(p -> p.privatePort() == e.getPort() && p.protocol().equals(protocol));
        if (!known) {
            ports.add(new Port(e.getPort(), protocol, null, null));
        }
    }

    private static List<NetworkAttachment> networks(com.github.dockerjava.api.model.Container listed, InspectContainerResponse inspected) {
        Map<String, ContainerNetwork> networks = null;
        if (inspected != null && inspected.getNetworkSettings() != null) {
            networks = inspected.getNetworkSettings().getNetworks();
        }
        if (networks == null && listed.getNetworkSettings() != null) {
            networks = listed.getNetworkSettings().getNetworks();
        }
        if (networks == null) {
            return List.of();
        }
        List<NetworkAttachment> attachments = new ArrayList<>();
        for (Map.Entry<String, ContainerNetwork> entry : networks.entrySet()) {
            ContainerNetwork n = entry.getValue();
            List<String> aliases = n.getAliases() == null ? List.of() : n.getAliases().stream().sorted().distinct().toList();
            attachments.add(new NetworkAttachment(
                    emptyToNull(n.getNetworkID()),
                    entry.getKey(),
                    emptyToNull(n.getIpAddress()),
                    n.getIpPrefixLen() == null || n.getIpPrefixLen() == 0 ? null : n.getIpPrefixLen(),
                    emptyToNull(n.getGateway()),
                    emptyToNull(n.getGlobalIPv6Address()),
                    emptyToNull(n.getMacAddress()),
                    aliases));
        }
        attachments.sort(Comparator.comparing(NetworkAttachment::networkName));
        return attachments;
    }

    private static String protocol(String type) {
        return type == null || type.isEmpty() ? "tcp" : type.toLowerCase(java.util.Locale.ROOT);
    }

    private static Integer parsePort(String spec) {
        if (spec == null || spec.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(spec);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
