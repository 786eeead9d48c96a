package io.scanopy.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.spi.inventory.DockerEngine;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The product behind the Docker API, read from recorded {@code /version} answers (see the resources' README). */
class EngineProductTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            // Podman's compat API: its own version at the top level and in the "Podman Engine" component.
            "podman-4.3.json, Podman, 4.3.1",
            "docker-20.10.24-version.json, Docker, 20.10.24+dfsg1",
            "docker-26.1.5-version.json, Docker, 26.1.5+dfsg1",
    })
    void productFromRecordedAnswers(String file, String product, String version) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/docker-answers/" + file)) {
            EngineProduct read = EngineProduct.of(new ObjectMapper().readTree(in));
            assertEquals(new EngineProduct(product, version), read);
            assertEquals(product + " " + version, engine(read).productLabel());
        }
    }

    @Test
    void noKnownComponentLeavesTheProductOpen() throws Exception {
        EngineProduct read = EngineProduct.of(new ObjectMapper().readTree("{\"Version\":\"1.13.1\",\"ApiVersion\":\"1.26\"}"));
        assertEquals(new EngineProduct(null, "1.13.1"), read);
        assertEquals("1.13.1", engine(read).productLabel(), "a version without a product name, never a guessed one");
    }

    @Test
    void deniedVersionKnowsNothing() {
        assertEquals(new EngineProduct(null, null), EngineProduct.of(null));
        assertEquals(null, engine(EngineProduct.of(null)).productLabel());
    }

    @Test
    void podmanIsIdentifiedByHostAndStorageNotByItsPerCallId() throws Exception {
        ObjectMapper json = new ObjectMapper();
        EngineProduct podman;
        try (InputStream in = getClass().getResourceAsStream("/docker-answers/podman-4.3.json")) {
            podman = EngineProduct.of(json.readTree(in));
        }
        com.fasterxml.jackson.databind.node.ObjectNode info;
        try (InputStream in = getClass().getResourceAsStream("/docker-answers/podman-4.3-info.json")) {
            info = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(in);
        }
        String id = podman.engineId(info);
        assertEquals("podman:vm:/var/lib/scanopy-podman/storage", id);
        // Podman answers every GET /info with a new random ID: the next answer must give the same engine.
        info.put("ID", java.util.UUID.randomUUID().toString());
        assertEquals(id, podman.engineId(info));
        info.remove("DockerRootDir");
        assertEquals(null, podman.engineId(info), "without its storage root Podman is not identified (the address stands in)");
    }

    @Test
    void dockerIsIdentifiedByItsId() throws Exception {
        EngineProduct docker = new EngineProduct("Docker", "20.10.24+dfsg1");
        assertEquals("ABCD:EFGH", docker.engineId(new ObjectMapper().readTree("{\"ID\":\"ABCD:EFGH\",\"Name\":\"vm\",\"DockerRootDir\":\"/var/lib/docker\"}")));
        assertEquals(null, docker.engineId(null));
    }

    private static DockerEngine engine(EngineProduct product) {
        return new DockerEngine("id", "host", product.name(), product.version(), "1.41", null,
                List.of(new DockerEngine.Reach("local Docker", "docker-direct", "unix:///var/run/docker.sock")),
                new CapabilityReport(List.of()), List.of(), List.of(), List.of());
    }
}
