package io.scanopy.engine.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.Container.Compose;
import io.scanopy.spi.inventory.Container.Port;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.Network.Subnet;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps docker-java's container and network answers to the inventory model; the only place
 * besides {@link DockerConnection} that sees docker-java types. A container is described from
 * its inspection alone when inspect is allowed (so one event costs one request), from the list
 * entry otherwise. An inspected container's status is Docker's status words without the
 * elapsed time ("Up (healthy)", "Exited (137)"): it changes only when the container does, so
 * a live inventory does not churn every minute. Everything is sorted so the same engine state
 * gives the same inventory.
 */
final class DockerMapping {
    static final String COMPOSE_PROJECT = "com.docker.compose.project";
    static final String COMPOSE_SERVICE = "com.docker.compose.service";

    /** Docker's short container ID: the first 12 characters of the ID. */
    private static final int SHORT_ID_LENGTH = 12;
    private static final Comparator<Port> PORT_ORDER = Comparator.comparingInt(Port::privatePort)
            .thenComparing(Port::protocol)
            .thenComparing(p -> p.hostIp() == null ? "" : p.hostIp())
            .thenComparing(p -> p.publicPort() == null ? -1 : p.publicPort());
    /** Networks by name, then id. */
    static final Comparator<Network> NETWORK_ORDER = Comparator.comparing(Network::name)
            .thenComparing(n -> n.id() == null ? "" : n.id());
    private static final Comparator<Subnet> SUBNET_ORDER = Comparator.comparing(Subnet::cidr)
            .thenComparing(s -> s.gateway() == null ? "" : s.gateway());

    private DockerMapping() {
    }

    static Container fromList(com.github.dockerjava.api.model.Container listed) {
        Map<String, String> labels = listed.getLabels() == null ? Map.of() : listed.getLabels();
        List<String> names = listed.getNames() == null ? List.of()
                : Arrays.stream(listed.getNames()).map(DockerMapping::withoutSlash).sorted().toList();
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
        Map<String, ContainerNetwork> networks = listed.getNetworkSettings() == null ? null : listed.getNetworkSettings().getNetworks();
        return new Container(
                listed.getId(),
                names,
                listed.getImage(),
                listed.getImageId(),
                listed.getState(),
                listed.getStatus(),
                listed.getCreated() == null ? null : Instant.ofEpochSecond(listed.getCreated()),
                null,
                labels,
                compose(labels),
                listed.getCommand(),
                new ArrayList<>(ports),
                attachments(listed.getId(), networks),
                List.of(),
                Container.Detail.LIST_ONLY);
    }

    static Container fromInspection(InspectContainerResponse inspected) {
        ContainerConfig config = inspected.getConfig();
        Map<String, String> labels = config == null || config.getLabels() == null ? Map.of() : config.getLabels();
        InspectContainerResponse.ContainerState state = inspected.getState();
        Map<String, ContainerNetwork> networks = inspected.getNetworkSettings() == null ? null : inspected.getNetworkSettings().getNetworks();
        return new Container(
                inspected.getId(),
                inspected.getName() == null ? List.of() : List.of(withoutSlash(inspected.getName())),
                config == null ? null : config.getImage(),
                inspected.getImageId(),
                state == null ? null : state.getStatus(),
                status(state),
                instant(inspected.getCreated()),
                startedAt(state),
                labels,
                compose(labels),
                command(inspected),
                ports(inspected),
                attachments(inspected.getId(), networks),
                List.of(),
                Container.Detail.INSPECT);
    }

    static List<Network> networks(List<com.github.dockerjava.api.model.Network> networks) {
        List<Network> result = new ArrayList<>();
        for (com.github.dockerjava.api.model.Network n : networks) {
            result.add(network(n));
        }
        result.sort(NETWORK_ORDER);
        return result;
    }

    static Network network(com.github.dockerjava.api.model.Network n) {
        List<Subnet> subnets = new ArrayList<>();
        if (n.getIpam() != null && n.getIpam().getConfig() != null) {
            for (com.github.dockerjava.api.model.Network.Ipam.Config c : n.getIpam().getConfig()) {
                if (c.getSubnet() != null && !c.getSubnet().isEmpty()) {
                    subnets.add(new Subnet(c.getSubnet(), emptyToNull(c.getGateway()), false));
                }
            }
        }
        subnets.sort(SUBNET_ORDER);
        return new Network(n.getId(), n.getName(), n.getDriver(), n.getScope(), n.getInternal(), subnets);
    }

    private static Compose compose(Map<String, String> labels) {
        return labels.containsKey(COMPOSE_PROJECT) || labels.containsKey(COMPOSE_SERVICE)
                ? new Compose(labels.get(COMPOSE_PROJECT), labels.get(COMPOSE_SERVICE)) : null;
    }

    private static String withoutSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static String command(InspectContainerResponse inspected) {
        if (inspected.getPath() == null || inspected.getPath().isEmpty()) {
            return null;
        }
        StringBuilder command = new StringBuilder(inspected.getPath());
        if (inspected.getArgs() != null) {
            for (String arg : inspected.getArgs()) {
                command.append(' ').append(arg);
            }
        }
        return command.toString();
    }

    /** Docker's status words, without the elapsed time that would change every minute. */
    static String status(InspectContainerResponse.ContainerState state) {
        if (state == null || state.getStatus() == null) {
            return null;
        }
        String health = state.getHealth() == null || state.getHealth().getStatus() == null || state.getHealth().getStatus().isEmpty()
                ? "" : " (" + state.getHealth().getStatus() + ")";
        Long exit = state.getExitCodeLong();
        return switch (state.getStatus()) {
            case "running" -> "Up" + health;
            case "paused" -> "Up (Paused)";
            case "restarting" -> "Restarting (" + exit + ")";
            case "exited" -> "Exited (" + exit + ")";
            case "created" -> "Created";
            case "removing" -> "Removal In Progress";
            case "dead" -> "Dead";
            default -> state.getStatus();
        };
    }

    private static Instant instant(String iso) {
        if (iso == null || iso.isEmpty()) {
            return null;
        }
        try {
            Instant t = Instant.parse(iso);
            return t.getEpochSecond() <= 0 ? null : t;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Docker's StartedAt; the zero time means "never started". */
    private static Instant startedAt(InspectContainerResponse.ContainerState state) {
        return state == null ? null : instant(state.getStartedAt());
    }

    private static List<Port> ports(InspectContainerResponse inspected) {
        TreeSet<Port> ports = new TreeSet<>(PORT_ORDER);
        Ports bindings = inspected.getNetworkSettings() == null ? null : inspected.getNetworkSettings().getPorts();
        if (bindings != null && bindings.getBindings() != null) {
            for (Map.Entry<ExposedPort, Ports.Binding[]> entry : bindings.getBindings().entrySet()) {
                ExposedPort e = entry.getKey();
                if (entry.getValue() == null || entry.getValue().length == 0) {
                    continue;
                }
                for (Ports.Binding binding : entry.getValue()) {
                    Integer hostPort = parsePort(binding.getHostPortSpec());
                    ports.add(new Port(e.getPort(), protocol(e.getProtocol().toString()), hostPort,
                            hostPort == null ? null : emptyToNull(binding.getHostIp())));
                }
            }
        }
        // Exposed ports stay in the config when a container is stopped, where no binding shows them.
        ExposedPort[] exposed = inspected.getConfig() == null ? null : inspected.getConfig().getExposedPorts();
        if (exposed != null) {
            for (ExposedPort e : exposed) {
                addExposedOnly(ports, e);
            }
        }
        if (bindings != null && bindings.getBindings() != null) {
            bindings.getBindings().keySet().forEach(e -> addExposedOnly(ports, e));
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

    /**
     * The aliases given to the container on each network. Its short ID is left out: engines before
     * API 1.45 list it among the aliases, 1.45 and later no longer do (it moved to DNSNames), and
     * the same container must give the same inventory on either.
     */
    private static List<NetworkAttachment> attachments(String containerId, Map<String, ContainerNetwork> networks) {
        if (networks == null) {
            return List.of();
        }
        String shortId = containerId == null || containerId.length() < SHORT_ID_LENGTH ? null : containerId.substring(0, SHORT_ID_LENGTH);
        List<NetworkAttachment> attachments = new ArrayList<>();
        for (Map.Entry<String, ContainerNetwork> entry : networks.entrySet()) {
            ContainerNetwork n = entry.getValue();
            List<String> aliases = n.getAliases() == null ? List.of()
                    : n.getAliases().stream().filter(a -> !a.equals(shortId)).sorted().distinct().toList();
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
