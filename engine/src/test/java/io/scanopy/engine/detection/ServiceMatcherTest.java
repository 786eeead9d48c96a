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

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "ghcr.io/open-webui/open-webui:main,           open-webui",
            "ollama/ollama,                                ollama",
            "quay.io/go-skynet/local-ai:latest,            localai",
            "ghcr.io/danny-avila/librechat:latest,         librechat",
            "yanwk/comfyui-boot:cu124-slim,                comfyui",
            "ghcr.io/wg-easy/wg-easy:14,                   wg-easy",
            "headscale/headscale:0.23,                     headscale",
            "ghcr.io/tale/headplane:0.5,                   headplane",
            "netbirdio/management:latest,                  netbird",
            "cloudflare/cloudflared:2024.10.0,             cloudflared",
            "snowdreamtech/frps:0.61,                      frp",
            "ghcr.io/blakeblackshear/frigate:stable,       frigate",
            "registry.gitlab.com/shinobi-systems/shinobi:dev, shinobi",
            "koush/scrypted,                               scrypted",
            "lscr.io/linuxserver/readarr:develop,          readarr",
            "fallenbagel/jellyseerr:2.0,                   jellyseerr",
            "lscr.io/linuxserver/sabnzbd:latest,           sabnzbd",
            "ghcr.io/advplyr/audiobookshelf:latest,        audiobookshelf",
            "lscr.io/linuxserver/calibre-web:0.6,          calibre-web",
            "gotson/komga,                                 komga",
            "lscr.io/linuxserver/unifi-network-application:8.6, unifi-network-application",
            "mbentley/omada-controller:5.14,               omada-controller",
            "stirlingtools/stirling-pdf:latest,            stirling-pdf",
            "frooodle/s-pdf,                               stirling-pdf",
            "gotenberg/gotenberg:8,                        gotenberg",
            "collabora/code,                               collabora",
            "ghcr.io/mealie-recipes/mealie:v2.0.0,         mealie",
            "vabene1111/recipes,                           tandoor",
            "ghcr.io/sysadminsmedia/homebox:latest,        homebox",
            "adminer:4,                                    adminer",
            "phpmyadmin:5,                                 phpmyadmin",
            "dpage/pgadmin4,                               pgadmin",
            "redis/redisinsight:latest,                    redisinsight",
            "ghcr.io/requarks/wiki:2,                      wikijs",
            "lscr.io/linuxserver/bookstack,                bookstack",
            "searxng/searxng,                              searxng",
            "getmeili/meilisearch:v1.10,                   meilisearch",
            "typesense/typesense:27.1,                     typesense",
            "duplicati/duplicati,                          duplicati",
            "kopia/kopia:latest,                           kopia",
            "restic/rest-server,                           restic-rest-server",
            "codercom/code-server,                         code-server",
            "lscr.io/linuxserver/code-server,              code-server",
            "gitpod/openvscode-server,                     openvscode-server",
            "binwiederhier/ntfy,                           ntfy",
            "gotify/server,                                gotify",
            "caronc/apprise,                               apprise",
            "victoriametrics/victoria-metrics:v1.102.0,    victoriametrics",
            "greptime/greptimedb:v0.9.5,                   greptimedb",
            "questdb/questdb,                              questdb",
            "nicolargo/glances:latest-full,                glances",
            "henrygd/beszel,                               beszel",
            "ghcr.io/analogj/scrutiny:master-omnibus,      scrutiny",
    })
    void newServicesByImage(String image, String expected) {
        List<DetectedService> found = matcher.match(container(image, Map.of(), List.of()), null, List.of(), "exec");
        assertEquals(expected, found.get(0).definitionId(), found.toString());
        assertEquals("image", found.get(0).evidence().get(0).route());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ollama       | 11434 | /       | Ollama is running",
            "qdrant       | 6333  | /       | {\"title\":\"qdrant - vector search engine\",\"version\":\"1.12.4\"}",
            "flaresolverr | 8191  | /       | {\"msg\": \"FlareSolverr is ready!\", \"version\": \"3.3.21\"}",
            "meilisearch  | 7700  | /health | {\"status\":\"available\"}",
            "typesense    | 8108  | /health | {\"ok\":true}",
            "gotenberg    | 3000  | /health | {\"status\":\"up\",\"details\":{\"chromium\":{\"status\":\"up\"},\"libreoffice\":{\"status\":\"up\"}}}",
            "tika         | 9998  | /tika   | This is Tika Server (Apache Tika 2.9.2). Please PUT",
            "solr         | 8983  | /solr/  | <html><head><title>Solr Admin</title></head></html>",
            "adminer      | 8080  | /       | <html><head><title>Login - Adminer</title></head></html>",
            "phpmyadmin   | 80    | /       | <html><head><title>phpMyAdmin</title></head></html>",
            "readarr      | 8787  | /       | <html><head><title>Readarr</title></head></html>",
    })
    void newServicesByHttpAnswer(String expected, int port, String path, String body) {
        HttpAnswer answer = new HttpAnswer(port, path, 200, Map.of(), body);
        DetectedService found = matcher.match(container("acme/app:1", Map.of(), List.of()), Set.of(port), List.of(answer), "exec").get(0);
        assertEquals(expected, found.definitionId(), found.toString());
        assertEquals(200, found.evidence().get(0).httpStatus());
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
