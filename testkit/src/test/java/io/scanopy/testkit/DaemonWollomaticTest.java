package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.live.Daemon;
import io.scanopy.engine.live.TargetHealth;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetSpec;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind wollomatic configured exactly as {@code proxy-config} prints it (anchored allowlists
 * for the declared endpoints only), the daemon follows events, and network events are read with
 * what that allowlist admits: a container joining a network shows, and the target never drops
 * into reconnecting (it did while network events were answered with {@code GET /networks/{id}},
 * which the allowlist refuses).
 */
@RequiresDocker
class DaemonWollomaticTest {

    @Test
    void networkEventsWorkWithTheGeneratedAllowlist() throws Exception {
        PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("scanopy-wollo-plugins"));
        List<String> flags = new ArrayList<>();
        for (String flag : registry.find("docker-proxy-wollomatic").orElseThrow().plugin().proxySetup(EnumSet.allOf(DockerEndpoint.class)).orElseThrow().command()) {
            // Requests through a port published on 127.0.0.1 arrive from the bridge gateway.
            flags.add(flag.startsWith("-allowfrom=") ? "-allowfrom=0.0.0.0/0" : flag);
        }
        String network = Live.createNetwork("scanopy-wollo");
        try (ProxyContainer proxy = new ProxyContainer(ProxyImages.wollomatic(), 2375, "http").withFlags(flags);
             TestContainer c = new TestContainer()) {
            proxy.start();
            c.start();
            try (Daemon daemon = Live.daemon(registry, new TargetSpec(URI.create(proxy.url()), null, null, Map.of()),
                    Live.fast(DiscoveryOptions.defaults().withDetection(null)), null)) {
                daemon.start();
                assertTrue(daemon.awaitFirstSync(Duration.ofSeconds(30)), "first sync: " + daemon.inventory().health());
                Live.await(Duration.ofSeconds(5), () -> "connected: " + Live.health(daemon), () -> Live.health(daemon).state() == TargetHealth.State.CONNECTED);
                String networkName = org.testcontainers.DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId(network).exec().getName();

                org.testcontainers.DockerClientFactory.instance().client().connectToNetworkCmd().withNetworkId(network).withContainerId(c.getContainerId()).exec();
                Live.awaitContainer(daemon, c.getContainerId(), x -> x.networks().stream().anyMatch(n -> n.networkName().equals(networkName)),
                        Duration.ofSeconds(10), "the new attachment shows");
                Live.await(Duration.ofSeconds(10), () -> "the network is in the inventory: " + daemon.inventory().snapshot().inventory().engines().get(0).networks(),
                        () -> daemon.inventory().snapshot().inventory().engines().get(0).networks().stream().anyMatch(n -> n.name().equals(networkName)));
                Thread.sleep(1_500);
                assertEquals(TargetHealth.State.CONNECTED, Live.health(daemon).state(), "still connected after the network event: " + Live.health(daemon));
            }
        } finally {
            Live.removeNetwork(network);
            registry.close();
        }
    }
}
