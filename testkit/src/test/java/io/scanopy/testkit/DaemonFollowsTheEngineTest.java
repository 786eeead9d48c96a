package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The daemon on the local engine, straight to its socket, follows the engine's own events: a
 * container connected to a network made after the daemon started (the network appears too), and
 * a removed container. Run on Docker and on Podman, whose events differ exactly here (Podman: a
 * container's removal is {@code remove}, a connect names the container and no network, and
 * creating a network logs no event).
 */
@RequiresDocker
class DaemonFollowsTheEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aConnectToANewNetworkAndARemovalShowWithoutAResync() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"),
                Files.createTempDirectory("scanopy-follow-plugins"));
        TestContainer container = new TestContainer();
        String[] network = new String[1];
        // Live.fast: no periodic resync, so only events can show these changes. Stopped containers are kept,
        // so only the removal itself can take the container out.
        Daemon daemon = Live.daemon(registry, TargetSpec.local(System.getenv()), Live.fast(DiscoveryOptions.defaults().withIncludeStopped(true).withDetection(null)), null);
        try {
            container.start();
            daemon.start();
            assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
            Live.awaitContainer(daemon, container.getContainerId(), c -> c.networks().size() == 1, WAIT, "the running container is listed");

            network[0] = Live.createNetwork("scanopy-follow");
            String name = docker.inspectNetworkCmd().withNetworkId(network[0]).exec().getName();
            docker.connectToNetworkCmd().withNetworkId(network[0]).withContainerId(container.getContainerId()).exec();
            // By name: Podman 4.3 puts the network's name where Docker puts its id in a container's networks.
            Live.awaitContainer(daemon, container.getContainerId(),
                    c -> c.networks().stream().map(NetworkAttachment::networkName).anyMatch(name::equals), WAIT, "connected to the new network");
            Live.await(WAIT, () -> "the new network in the inventory", () -> daemon.inventory().snapshot().inventory().engines().stream()
                    .flatMap(e -> e.networks().stream()).anyMatch(n -> network[0].equals(n.id()) && !n.subnets().isEmpty()));

            container.stopInPlace();
            Live.awaitContainer(daemon, container.getContainerId(), c -> "exited".equals(c.state()), WAIT, "stopped, still listed");
            docker.removeContainerCmd(container.getContainerId()).exec();
            Live.awaitGone(daemon, container.getContainerId(), WAIT, "removed");
        } finally {
            Live.closeAll(daemon, container);
            if (network[0] != null) {
                Live.removeNetwork(network[0]);
            }
            Live.closeAll(registry);
        }
    }
}
