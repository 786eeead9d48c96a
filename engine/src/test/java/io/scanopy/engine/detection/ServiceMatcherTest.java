package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The API route and the HTTP route against the built-in catalogue, table-driven. */
class ServiceMatcherTest {
    private final ServiceMatcher matcher = new ServiceMatcher(Catalogue.builtIn());

    private static Container container(String image, Map<String, String> labels, List<Container.Port> ports) {
        return new Container("c0ffee", List.of("app"), image, "sha256:1", "running", "Up", Instant.EPOCH, Instant.EPOCH, labels, null, "x",
                ports, List.of(), List.of(), Container.Detail.INSPECT);
    }

    @ParameterizedTest(name = "{0} -> {1} by {2}")
    @CsvSource({
            "grafana/grafana:11.0.0,               grafana,        image",
            "docker.io/grafana/grafana-oss,        grafana,        image",
            "ghcr.io/home-assistant/home-assistant:stable, home-assistant, image",
            "postgres:16-alpine,                   postgresql,     image",
            "lscr.io/linuxserver/sonarr:latest,    sonarr,         image",
            "pihole/pihole@sha256:abc,             pihole,         image",
            "registry:2,                           docker-registry, image",
            "traefik:v3.1,                         traefik,        image",
    })
    void imageRules(String image, String expected, String route) {
        List<DetectedService> found = matcher.match(container(image, Map.of(), List.of()), null, List.of(), "exec");
        assertEquals(expected, found.get(0).definitionId(), found.toString());
        assertEquals(route, found.get(0).evidence().get(0).route());
    }

    @Test
    void lookalikeImagesDoNotMatch() {
        for (String image : List.of("mygrafana/grafanaish:1", "notredis:1", "example/nginx-exporter-fake-ish:1")) {
            assertTrue(matcher.match(container(image, Map.of(), List.of()), null, List.of(), "exec").stream()
                    .noneMatch(s -> s.evidence().stream().anyMatch(e -> e.route().equals("image")) && s.confidence() >= 0.8
                            && (s.definitionId().equals("grafana") || s.definitionId().equals("redis") || s.definitionId().equals("nginx"))), image);
        }
    }

    @Test
    void portOnlyIsWeakAndHttpIsStrong() {
        Container c = container("acme/app:1", Map.of(), List.of(new Container.Port(5432, "tcp", null, null)));
        DetectedService weak = matcher.match(c, null, List.of(), "exec").get(0);
        assertEquals("postgresql", weak.definitionId());
        assertEquals("port", weak.evidence().get(0).route());
        assertTrue(weak.confidence() <= 0.5);

        HttpAnswer prometheus = new HttpAnswer(9090, "/-/healthy", 200, Map.of(), "Prometheus Server is Healthy.");
        DetectedService strong = matcher.match(container("acme/app:1", Map.of(), List.of()), Set.of(9090), List.of(prometheus), "exec").get(0);
        assertEquals("prometheus", strong.definitionId());
        // The title rule (0.9) and the port it was seen listening on (0.3) agree: 1 - 0.1 * 0.7.
        assertEquals(0.93, strong.confidence());
        assertEquals("exec", strong.evidence().get(0).route());
        assertEquals(200, strong.evidence().get(0).httpStatus());
    }

    @Test
    void labelsForceAndHide() {
        Container forced = container("acme/app:1", Map.of("scanopy.service", "Grafana"), List.of());
        assertEquals("grafana", matcher.forced(forced).orElseThrow().definitionId());
        assertEquals(1.0, matcher.forced(forced).orElseThrow().confidence());
        Container custom = container("acme/app:1", Map.of("scanopy.service", "Billing API"), List.of());
        assertEquals("billing-api", matcher.forced(custom).orElseThrow().definitionId());
        assertTrue(ServiceMatcher.ignored(container("x", Map.of("scanopy.ignore", "true"), List.of())));
        assertTrue(!ServiceMatcher.ignored(container("x", Map.of("scanopy.ignore", "no"), List.of())));
    }
}
