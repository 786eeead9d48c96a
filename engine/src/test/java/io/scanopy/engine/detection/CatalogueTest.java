package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogueTest {

    @Test
    void theBuiltInCatalogueConformsToItsSchemaAndCoversTheCategories() throws Exception {
        try (InputStream schema = Catalogue.class.getResourceAsStream("catalogue.schema.json");
             InputStream data = Catalogue.class.getResourceAsStream("catalogue.json")) {
            var errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).validate(new ObjectMapper().readTree(data));
            assertTrue(errors.isEmpty(), errors::toString);
        }
        Catalogue catalogue = Catalogue.builtIn();
        assertTrue(catalogue.definitions().size() >= 80, "at least 80 services: " + catalogue.definitions().size());
        Set<String> categories = catalogue.definitions().stream().map(ServiceDefinition::category).collect(Collectors.toSet());
        assertTrue(categories.containsAll(Set.of("reverse-proxy", "web-server", "database", "cache", "message-broker", "monitoring", "logging",
                "dashboard", "media", "home-automation", "ci-cd", "git-hosting", "registry", "dns", "identity", "file-sync", "password-manager",
                "docker-tooling", "vpn", "ai", "video-surveillance", "books", "network", "documents", "household", "database-admin", "wiki",
                "search", "backup", "web-ide", "notification", "mail")), categories.toString());
        assertTrue(catalogue.httpPaths().stream().allMatch(p -> Catalogue.SAFE_PATH.matcher(p).matches()));
        assertEquals("/", catalogue.httpPaths().get(0));
        // Exec probes: "/" on every port first; other paths only on the port their rule names.
        assertEquals("*:/", catalogue.execProbes().get(0));
        assertTrue(catalogue.execProbes().contains("3000:/api/health"), catalogue.execProbes().toString());
        assertTrue(catalogue.execProbes().stream().allMatch(p -> Catalogue.PROBE_SPEC.matcher(p).matches()));
        assertEquals(List.of("*:/"), catalogue.execProbes().stream().filter(p -> p.startsWith("*:")).toList(), "built-in paths other than / name their port");
    }

    @Test
    void theBuiltInCatalogueHasAtLeast200UniqueDefinitionsEachNamedByImage() throws Exception {
        List<String> ids = new ArrayList<>();
        try (InputStream data = Catalogue.class.getResourceAsStream("catalogue.json")) {
            new ObjectMapper().readTree(data).get("services").forEach(s -> ids.add(s.get("id").asText()));
        }
        // Counted in the file itself: a repeated id would silently replace the earlier definition on load.
        assertTrue(ids.size() >= 200, "at least 200 services: " + ids.size());
        assertEquals(ids.size(), Set.copyOf(ids).size(), "ids are unique");
        List<ServiceDefinition> definitions = Catalogue.builtIn().definitions();
        assertEquals(ids.size(), definitions.size());
        for (ServiceDefinition definition : definitions) {
            assertTrue(definition.rules().stream().anyMatch(r -> r.image() != null), definition.id() + " has an image rule");
        }
    }

    /** Registry hosts and words any team might name its own image: never enough alone to name a service. */
    private static final List<String> NOT_A_SERVICE = List.of(
            "ghcr.io", "lscr.io", "quay.io", "docker.io", "registry-1.docker.io", "gcr.io", "public.ecr.aws", "registry.gitlab.com",
            "gitlab.example.com", "harbor.example.com", "localhost:5000", "registry:5000",
            "app", "server", "web", "api", "ui", "frontend", "backend", "db", "database", "proxy", "agent", "worker", "core", "client",
            "service", "admin", "front", "code", "wiki", "notes", "recipes", "search", "backup", "monitor", "dashboard", "mail", "speedtest",
            "outline", "actual", "tempo", "vector", "coder", "flood", "memos", "health", "latest");

    @Test
    void noImageRuleMatchesARegistryHostOrAGenericNameAlone() {
        List<String> paths = new ArrayList<>(NOT_A_SERVICE);
        NOT_A_SERVICE.forEach(word -> paths.add("acme/" + word));
        for (String reference : List.of("registry:5000/team/api:1.0", "gitlab.example.com/team/api:1.0", "ghcr.io/acme/app:main",
                "quay.io/acme/server", "lscr.io/acme/web:latest")) {
            paths.add(ImageReference.parse(reference).orElseThrow().path());
        }
        for (ServiceDefinition definition : Catalogue.builtIn().definitions()) {
            for (ServiceDefinition.Rule rule : definition.rules()) {
                Pattern image = rule.image();
                if (image != null) {
                    for (String path : paths) {
                        assertFalse(image.matcher(path).find(), definition.id() + " rule " + rule.id() + " matches '" + path + "'");
                    }
                }
            }
        }
    }

    @Test
    void aUserFileAddsAndOverrides(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("mine.yaml"), """
                services:
                  - id: grafana
                    name: Our Grafana
                    category: monitoring
                    rules:
                      - {id: ours, image: "registry.local/grafana", confidence: 0.7}
                  - id: billing
                    name: Billing API
                    category: web-app
                    rules:
                      - {id: billing-title, http: {path: /health, title: "Billing"}, confidence: 0.9}
                """);
        Catalogue merged = Catalogue.withUserFile(file);
        assertEquals(Catalogue.builtIn().definitions().size() + 1, merged.definitions().size());
        assertEquals("Our Grafana", merged.find("grafana").orElseThrow().name());
        assertEquals(1, merged.find("grafana").orElseThrow().rules().size(), "replaced whole, not merged rule by rule");
        assertEquals("billing", merged.find("Billing API").orElseThrow().id());
        assertTrue(merged.httpPaths().contains("/health"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"services\": [\\n {\"id\": \"x\", \"name\": \"X\", \"category\": \"c\", \"rules\": [{\"id\": \"r\", \"confidence\": 2, \"port\": 1}]}]} | line 2: service 'x': rule 'r': confidence must be a number in (0, 1]",
            "{\"services\": [\\n{\"id\": \"x\", \"name\": \"X\", \"category\": \"c\", \"rules\": [{\"id\": \"r\", \"confidence\": 1, \"image\": \"(\"}]}]} | line 2: service 'x': rule 'r': image is not a valid regex",
            "{\"services\": [\\n\\n{\"id\": \"x\", \"name\": \"X\", \"category\": \"c\", \"rules\": [{\"id\": \"r\", \"confidence\": 1, \"http\": {\"path\": \"/a;rm -rf\"}}]}]} | line 3: service 'x': rule 'r': http.path '/a;rm -rf' must match",
            "{\"services\": [{\"id\": \"x\", \"name\": \"X\", \"category\": \"c\", \"rules\": [{\"id\": \"r\", \"confidence\": 1}]}]} | line 1: service 'x': rule 'r': gives no condition",
            "{\"services\": [{\"id\": \"x\", \"nom\": \"X\"}]} | line 1: service: unknown key 'nom'",
            "{\"services\": [\\n{\"id\": \"x\",, }]} | line 2: not valid JSON",
    })
    void aBrokenUserFileIsRejectedWithLineAndReason(String json, String expected, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), json.replace("\\n", "\n"));
        CatalogueException e = assertThrows(CatalogueException.class, () -> Catalogue.withUserFile(file));
        assertTrue(e.getMessage().startsWith("Catalogue " + file + " " + expected), e.getMessage());
    }
}
