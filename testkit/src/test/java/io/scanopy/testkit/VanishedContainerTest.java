package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.spi.inventory.Note;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A container removed between list and inspect is dropped with a note and never fails the run.
 * The race cannot be made deterministic on a real engine, so a fault injector (HAProxy in front
 * of the real socket) answers that one inspection with Docker's own 404; everything else is real.
 */
@RequiresDocker
class VanishedContainerTest {

    @Test
    void aContainerGoneBeforeItsInspectionIsLeftOutWithANote() throws Exception {
        try (TestContainer stays = new TestContainer(); TestContainer goes = new TestContainer();
             PluginRegistry registry = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), Files.createTempDirectory("vanish"))) {
            stays.start();
            goes.start();
            try (ProxyContainer fault = new ProxyContainer(ProxyImages.fault(), 2375, "http").withEnv("FAULT_CONTAINER", goes.getContainerId())) {
                fault.start();
                DiscoveryResult result = new DiscoveryEngine(registry).discover(List.of(new TargetSpec(URI.create(fault.url()), null, null, Map.of())),
                        DiscoveryOptions.defaults().withDetection(null));
                assertEquals(List.of(), result.failures(), "the run does not fail");
                DockerEngine engine = result.inventory().engines().get(0);
                assertTrue(engine.containers().stream().anyMatch(c -> c.id().equals(stays.getContainerId())));
                assertTrue(engine.containers().stream().noneMatch(c -> c.id().equals(goes.getContainerId())), "the vanished container is left out");
                Note note = engine.notes().stream().filter(n -> n.code().equals("container-vanished")).findFirst()
                        .orElseThrow(() -> new AssertionError(engine.notes().toString()));
                assertEquals(goes.getContainerId(), note.subject());
                assertEquals(Note.Level.INFO, note.level());
            }
        }
    }
}
