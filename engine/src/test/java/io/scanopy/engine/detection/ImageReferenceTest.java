package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Image references taken apart as Docker's grammar does, and image rules matched on the repository path only. */
class ImageReferenceTest {
    private final ServiceMatcher matcher = new ServiceMatcher(Catalogue.builtIn());

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // reference,                           registry,            path,                 tag,       digest
            "postgres,                              ,                    postgres,             ,          ",
            "postgres:16-alpine,                    ,                    postgres,             16-alpine, ",
            "docker.io/library/postgres:16,         docker.io,           postgres,             16,        ",
            "library/redis:7,                       ,                    redis,                7,         ",
            "registry:2,                            ,                    registry,             2,         ",
            "registry:5000/team/api:1.0,            registry:5000,       team/api,             1.0,       ",
            "gitlab.example.com/team/app,           gitlab.example.com,  team/app,             ,          ",
            "localhost/app,                         localhost,           app,                  ,          ",
            "localhost:5000/app@sha256:ab12,        localhost:5000,      app,                  ,          sha256:ab12",
            "lscr.io/linuxserver/sonarr:latest,     lscr.io,             linuxserver/sonarr,   latest,    ",
            "grafana/grafana:11.0.0@sha256:ab12,    ,                    grafana/grafana,      11.0.0,    sha256:ab12",
            "'[::1]:5000/team/app:2',               '[::1]:5000',        team/app,             2,         ",
            "registry.example.com/library/redis,    registry.example.com, library/redis,       ,          ",
    })
    void splitsLikeDockersGrammar(String reference, String registry, String path, String tag, String digest) {
        assertEquals(new ImageReference(registry, path, tag, digest), ImageReference.parse(reference).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "sha256:4f7c0e9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6"})
    void anImageIdOrNothingIsNoReference(String reference) {
        assertTrue(ImageReference.parse(reference).isEmpty());
    }

    private List<DetectedService> byImage(String image) {
        Container c = new Container("c0ffee", List.of("app"), image, "sha256:1", "running", "Up", Instant.EPOCH, Instant.EPOCH, Map.of(), null, "x",
                List.of(), List.of(), List.of(), Container.Detail.INSPECT);
        return matcher.match(c, null, List.of(), "exec");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // the same software from other registries and publishers
            "quay.io/prometheus/prometheus:v2.53.0,       prometheus",
            "prom/prometheus,                             prometheus",
            "bitnami/prometheus:2,                        prometheus",
            "ghcr.io/linuxserver/sonarr,                  sonarr",
            "lscr.io/linuxserver/radarr:latest,           radarr",
            "hotio/sonarr:release,                        sonarr",
            "bitnami/grafana:11,                          grafana",
            "docker.io/grafana/grafana-oss:11.1.0,        grafana",
            "docker.io/library/postgres:16,               postgresql",
            "bitnami/postgresql:16,                       postgresql",
            "ghcr.io/immich-app/immich-server:release,    immich",
            "quay.io/keycloak/keycloak:25.0,              keycloak",
            "docker.elastic.co/elasticsearch/elasticsearch:8.14.0, elasticsearch",
            "codeberg.org/forgejo/forgejo:7,              forgejo",
            "mirror.internal:5000/library/redis:7,        redis",
            "localhost/grafana/grafana,                   grafana",
            // the Docker registry itself, from Docker Hub
            "registry:2,                                  docker-registry",
            "docker.io/library/registry:2,                docker-registry",
    })
    void matchesThePathWhateverTheRegistry(String image, String expected) {
        List<DetectedService> found = byImage(image);
        assertTrue(!found.isEmpty(), image);
        assertEquals(expected, found.get(0).definitionId(), found.toString());
        assertEquals("image", found.get(0).evidence().get(0).route());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "registry:5000/team/api:1.0",             // a registry host is not the Docker registry
            "gitlab.example.com/team/app",            // nor GitLab
            "grafana.example.com:443/team/api",       // nor Grafana
            "mygrafana/grafanaish:1",
            "notredis:1",
            "example/nginx-exporter-fake-ish:1",
            "sha256:4f7c0e9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6",
    })
    void aRegistryHostOrALookalikeNamesNothing(String image) {
        List<DetectedService> found = byImage(image);
        assertEquals(List.of(), found, image);
    }
}
