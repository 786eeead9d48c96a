package io.scanopy.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.core.DockerClientConfig;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.NetworkAttachment;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same container on Docker 20.10 (API 1.41) and Docker 26.1 (API 1.45), from answers recorded
 * on both engines (src/test/resources/docker-answers/): the inventory must describe it alike.
 */
class DockerMappingTest {
    private static final ObjectMapper DOCKER_JSON = DockerClientConfig.getDefaultObjectMapper();

    private static <T> T recorded(String file, Class<T> type) throws IOException {
        try (InputStream in = DockerMappingTest.class.getResourceAsStream("/docker-answers/" + file)) {
            assertNotNull(in, file);
            return DOCKER_JSON.readValue(in, type);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-20.10.24", "docker-26.1.5"})
    void anInspectedContainerIsDescribedAlikeOnEitherEngine(String engine) throws IOException {
        InspectContainerResponse inspected = recorded(engine + "-inspect.json", InspectContainerResponse.class);
        Container c = DockerMapping.fromInspection(inspected);

        assertEquals(List.of("rec-web"), c.names());
        assertEquals(2, c.ports().size(), c.ports().toString());
        assertEquals(new Container.Port(5353, "udp", null, null), c.ports().get(0));
        Container.Port published = c.ports().get(1);
        assertEquals(8080, published.privatePort());
        assertEquals("127.0.0.1", published.hostIp());
        assertNotNull(published.publicPort());

        assertEquals(1, c.networks().size());
        NetworkAttachment a = c.networks().get(0);
        assertEquals("rec-front", a.networkName());
        // 20.10 lists the container's short ID among the aliases, 26.1 (API 1.45) no longer does:
        // the inventory holds only the alias the container was given, on both.
        assertEquals(List.of("web"), a.aliases());
        assertEquals(64, a.networkId().length());
        assertTrue(a.ipAddress().matches("[0-9.]+"), a.ipAddress());
        assertNotNull(a.prefixLength());
        assertTrue(a.gateway().matches("[0-9.]+"), a.gateway());
        assertTrue(a.macAddress().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), a.macAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-20.10.24", "docker-26.1.5"})
    void aListedContainerIsDescribedAlikeOnEitherEngine(String engine) throws IOException {
        com.github.dockerjava.api.model.Container[] listed = recorded(engine + "-list.json", com.github.dockerjava.api.model.Container[].class);
        assertEquals(1, listed.length);
        Container c = DockerMapping.fromList(listed[0]);

        assertEquals(List.of("rec-web"), c.names());
        // The engines list the ports in different orders; the inventory's order is its own.
        assertEquals(new Container.Port(5353, "udp", null, null), c.ports().get(0));
        assertEquals(8080, c.ports().get(1).privatePort());
        assertEquals("127.0.0.1", c.ports().get(1).hostIp());
        assertEquals(List.of(), c.networks().get(0).aliases(), "the list answer carries no aliases");
        assertEquals(Container.Detail.LIST_ONLY, c.detail());
    }
}
