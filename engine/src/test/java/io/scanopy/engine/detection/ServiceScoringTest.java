package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import io.scanopy.spi.inventory.DetectedService.Evidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How evidence is scored and ranked: kinds that agree combine, what the probe read beats a port guess, an app ranks above its server. */
class ServiceScoringTest {
    private final ServiceMatcher matcher = new ServiceMatcher(Catalogue.builtIn());

    private static Container container(String image, List<Container.Port> ports) {
        return new Container("c0ffee", List.of("app"), image, "sha256:1", "running", "Up", Instant.EPOCH, Instant.EPOCH, Map.of(), null, "x",
                ports, List.of(), List.of(), Container.Detail.INSPECT);
    }

    private static HttpAnswer page(int port, String title, Map<String, String> headers, String extra) {
        return new HttpAnswer(port, "/", 200, headers, "<html><head><title>" + title + "</title>" + extra + "</head></html>");
    }

    private static Optional<DetectedService> service(List<DetectedService> found, String id) {
        return found.stream().filter(s -> s.definitionId().equals(id)).findFirst();
    }

    @ParameterizedTest(name = "image {0}, listening {1}, title {2} -> {3}")
    @CsvSource({
            // image,          listening, title,    Grafana's confidence
            "grafana/grafana,  ,          ,         0.8",    // image alone
            "acme/app:1,       3000,      ,         0.3",    // port alone
            "acme/app:1,       3000,      Grafana,  0.93",   // HTTP + port: 1 - 0.1 * 0.7
            "grafana/grafana,  3000,      ,         0.86",   // image + port: 1 - 0.2 * 0.7
            "grafana/grafana,  3000,      Grafana,  0.986",  // image + HTTP + port: 1 - 0.2 * 0.1 * 0.7
    })
    void routesThatAgreeCombine(String image, Integer listening, String title, double expected) {
        List<HttpAnswer> answers = title == null ? List.of() : List.of(page(3000, title, Map.of(), ""));
        List<DetectedService> found = matcher.match(container(image, List.of()), listening == null ? null : Set.of(listening), answers, "exec");
        assertEquals("grafana", found.get(0).definitionId(), found.toString());
        assertEquals(expected, found.get(0).confidence());
    }

    @Test
    void aTieGoesToTheStrongerEvidenceNeverToTheName(@TempDir Path dir) throws Exception {
        // Both score 0.9: "aaa-guess" by image (0.8) and a port that said nothing (0.5), "zzz-seen" by what its page said (0.9).
        Path file = dir.resolve("tie.json");
        Files.writeString(file, """
                {"services": [
                  {"id": "aaa-guess", "name": "AAA Guess", "category": "web-app", "rules": [
                    {"id": "aaa-image", "image": "(^|/)acme/app$", "confidence": 0.8},
                    {"id": "aaa-port", "port": 7001, "confidence": 0.5}]},
                  {"id": "zzz-seen", "name": "ZZZ Seen", "category": "web-app", "rules": [
                    {"id": "zzz-title", "port": 7000, "http": {"path": "/", "title": "^ZZZ$"}, "confidence": 0.9}]}
                ]}
                """);
        List<DetectedService> found = new ServiceMatcher(Catalogue.withUserFile(file))
                .match(container("acme/app:1", List.of()), Set.of(7000, 7001), List.of(page(7000, "ZZZ", Map.of(), "")), "exec");
        assertEquals(List.of("zzz-seen", "aaa-guess"), found.stream().map(DetectedService::definitionId).toList(), found.toString());
        assertEquals(found.get(0).confidence(), found.get(1).confidence());
    }

    @Test
    void anApplicationRanksAboveTheWebServerItRunsIn() {
        // Apache by image and Server header (0.98) outscores WordPress by its page (0.9), yet WordPress is what runs there.
        HttpAnswer wordpress = page(80, "My Blog", Map.of("server", "Apache/2.4.62 (Debian)"), "<meta name=\"generator\" content=\"WordPress 6.6\">");
        List<DetectedService> found = matcher.match(container("httpd:2.4", List.of()), Set.of(80), List.of(wordpress), "exec");
        assertEquals(List.of("wordpress", "apache-httpd"), found.stream().map(DetectedService::definitionId).toList(), found.toString());
        assertEquals(0.98, found.get(1).confidence(), "the server keeps its own confidence; only its rank yields");
        // Without the application the server leads.
        HttpAnswer plain = page(80, "It works", Map.of("server", "Apache/2.4.62 (Debian)"), "");
        assertEquals("apache-httpd", matcher.match(container("httpd:2.4", List.of()), Set.of(80), List.of(plain), "exec").get(0).definitionId());
    }

    @Test
    void aPageThatSaysSomethingElseDropsThePortGuessAndIsReportedUnrecognised() {
        HttpAnswer other = page(9090, "Something Else", Map.of("server", "Werkzeug/3.0.3 Python/3.11"), "");
        List<DetectedService> found = matcher.match(container("acme/app:1", List.of()), Set.of(9090), List.of(other), "exec");
        assertTrue(service(found, "prometheus").isEmpty(), "a page on 9090 titled Something Else is not Prometheus: " + found);
        DetectedService unknown = service(found, ServiceMatcher.UNRECOGNISED_HTTP).orElseThrow(() -> new AssertionError(found.toString()));
        assertEquals("HTTP service", unknown.name());
        Evidence e = unknown.evidence().get(0);
        assertEquals("exec", e.route());
        assertEquals(9090, e.port());
        assertEquals(200, e.httpStatus());
        assertTrue(e.detail().contains("title \"Something Else\"") && e.detail().contains("server: Werkzeug/3.0.3 Python/3.11"), e.detail());

        // No HTTP answer read (no client in the container): the port guess is all there is, and it stays.
        List<DetectedService> guessed = matcher.match(container("acme/app:1", List.of()), Set.of(9090), List.of(), "exec");
        assertEquals("prometheus", guessed.get(0).definitionId());
        assertTrue(service(guessed, ServiceMatcher.UNRECOGNISED_HTTP).isEmpty());
    }

    @Test
    void anUnrecognisedPageDoesNotHideWhatTheImageSays() {
        // Grafana by image; its port answered with a page no rule knows: the port guess goes, the image stays, the page is reported.
        HttpAnswer other = page(3000, "Login", Map.of(), "");
        List<DetectedService> found = matcher.match(container("grafana/grafana", List.of()), Set.of(3000), List.of(other), "exec");
        DetectedService grafana = service(found, "grafana").orElseThrow();
        assertEquals(List.of("image"), grafana.evidence().stream().map(Evidence::route).toList());
        assertEquals(0.8, grafana.confidence());
        assertEquals("grafana", found.get(0).definitionId(), "recognised beats unrecognised");
        assertTrue(service(found, ServiceMatcher.UNRECOGNISED_HTTP).isPresent());
    }

    @Test
    void aRecognisedAnswerKeepsOtherGuessesForItsPort() {
        HttpAnswer grafana = page(3000, "Grafana", Map.of(), "");
        List<DetectedService> found = matcher.match(container("acme/app:1", List.of()), Set.of(3000), List.of(grafana), "exec");
        assertEquals("grafana", found.get(0).definitionId());
        assertTrue(service(found, ServiceMatcher.UNRECOGNISED_HTTP).isEmpty(), found.toString());
    }

    @ParameterizedTest(name = "exposed {0}, listening {1} -> route {2}")
    @CsvSource({
            "true,  false, port, exposed or published",
            "false, true,  exec, listening (seen by the probe)",
            "true,  true,  exec, listening (seen by the probe)",
    })
    void aPortSeenListeningIsEvidenceByExec(boolean exposed, boolean listening, String route, String detail) {
        List<Container.Port> ports = exposed ? List.of(new Container.Port(5432, "tcp", null, null)) : List.of();
        Evidence e = matcher.match(container("acme/app:1", ports), listening ? Set.of(5432) : null, List.of(), "exec").get(0).evidence().get(0);
        assertEquals("postgresql-port-5432", e.rule());
        assertEquals(route, e.route());
        assertTrue(e.detail().endsWith("TCP port 5432 " + detail), e.detail());
    }

    @Test
    void anHttpMatchSaysItsStatusTitleAndTheHeaderThatMatched() {
        HttpAnswer caddy = page(80, "Welcome", Map.of("server", "Caddy", "content-type", "text/html"), "");
        Evidence e = service(matcher.match(container("acme/app:1", List.of()), Set.of(80), List.of(caddy), "exec"), "caddy").orElseThrow().evidence().get(0);
        assertEquals("GET / answered 200, title \"Welcome\", header server: Caddy", e.detail());
        assertEquals(200, e.httpStatus());
    }

    @Test
    void onThePublishedPortRouteTheHostPortMapsBackToTheContainerPort() {
        // 9090 published as 19090: the page answered there contradicts the guess for container port 9090.
        Container c = container("acme/app:1", List.of(new Container.Port(9090, "tcp", 19090, "127.0.0.1")));
        List<DetectedService> found = matcher.match(c, null, List.of(page(19090, "Something Else", Map.of(), "")), "published-port");
        assertEquals(List.of(ServiceMatcher.UNRECOGNISED_HTTP), found.stream().map(DetectedService::definitionId).collect(Collectors.toList()), found.toString());
        assertEquals("published-port", found.get(0).evidence().get(0).route());
        assertEquals(19090, found.get(0).evidence().get(0).port());
    }
}
