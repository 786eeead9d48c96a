package io.scanopy.server;

import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.Fallback;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Network;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Inventory records built by hand, as a target's discovery would make them. */
final class Records {
    static final String ENGINE_ID = "ENGINE:ONE";
    static final String TARGET = "local Docker";
    static final Instant CREATED = Instant.parse("2026-01-01T10:00:00Z");

    private Records() {
    }

    /** A 64-character id made of one repeated hex digit plus a suffix, so prefixes are easy to write. */
    static String id(char digit, String suffix) {
        return String.valueOf(digit).repeat(64 - suffix.length()) + suffix;
    }

    static Container container(String id, String name) {
        return container(id, name, "running", null, List.of(), List.of(), List.of());
    }

    static Container container(String id, String name, String state, Container.Compose compose, List<Container.Port> ports,
                               List<NetworkAttachment> networks, List<DetectedService> services) {
        return new Container(id, List.of(name), "example/" + name + ":1", "sha256:" + id, state, "Up 1 minute", CREATED, CREATED,
                Map.of(), compose, null, ports, networks, services, Container.Detail.INSPECT);
    }

    static NetworkAttachment attachment(String network, String ip) {
        return new NetworkAttachment("net-" + network, network, ip, 16, null, null, null, List.of());
    }

    static DetectedService service(String id, String name, double confidence, Integer port) {
        return new DetectedService(id, name, confidence, List.of(new DetectedService.Evidence(port == null ? "image" : "exec", id + "-rule", port, null, null, "matched")));
    }

    static Network network(String name) {
        return new Network("net-" + name, name, "bridge", "local", false, List.of(new Network.Subnet("172.20.0.0/16", "172.20.0.1", false)));
    }

    static DockerEngine engine(List<Container> containers, List<Network> networks) {
        CapabilityReport capabilities = new CapabilityReport(List.of(
                new CapabilityReport.Check(DockerEndpoint.LIST_CONTAINERS, "list-containers", CapabilityReport.Status.ALLOWED, null, null, null, null, null),
                new CapabilityReport.Check(DockerEndpoint.LIST_NETWORKS, "list-networks", CapabilityReport.Status.DENIED, 403, "proxy", "Forbidden",
                        Fallback.DERIVED_SUBNETS, "Set NETWORKS=1 on the proxy")));
        return new DockerEngine(ENGINE_ID, "host-1", "27.0.1", "1.46", "linux/amd64",
                List.of(new DockerEngine.Reach(TARGET, "docker-direct", "unix:///var/run/docker.sock")), capabilities, containers, networks, List.of());
    }

    static DockerEngine engine(Container... containers) {
        return engine(List.of(containers), List.of());
    }
}
