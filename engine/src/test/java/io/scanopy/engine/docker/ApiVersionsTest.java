package io.scanopy.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiVersionsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // Docker 20.10 speaks 1.12..1.41: we use its maximum.
            "docker-20.10.24-version.json, 1.41",
            // Docker 26.1 speaks 1.24..1.45: its maximum, the newest we check against.
            "docker-26.1.5-version.json, 1.45",
            // Podman 4.3's compat API says 1.41 (minimum 1.24), like Docker 20.10.
            "podman-4.3.json, 1.41",
    })
    void negotiatesFromRecordedVersionAnswers(String file, String expected) throws Exception {
        JsonNode version;
        try (InputStream in = getClass().getResourceAsStream("/docker-answers/" + file)) {
            version = new ObjectMapper().readTree(in);
        }
        Optional<ApiVersions.ApiVersion> chosen = ApiVersions.negotiate(version.get("ApiVersion").asText(), version.get("MinAPIVersion").asText());
        assertEquals(Optional.of(ApiVersions.ApiVersion.parse(expected)), chosen);
    }

    @ParameterizedTest(name = "server {0} (min {1}) -> {2}")
    @CsvSource(nullValues = "null", value = {
            "1.41, 1.12, 1.41",
            "1.45, 1.24, 1.45",
            "1.52, 1.44, 1.45",   // Docker 29: newer than we check against, and it still speaks our newest
            "1.60, 1.50, 1.50",   // engine dropped everything we know: its oldest is closest
            "1.52, null, 1.45",   // no MinAPIVersion (very old answer shape)
            "1.20, 1.12, null",   // older than we support: unversioned paths
            "1.100, 1.9, 1.45",   // as numbers: 1.100 is above our newest and 1.9 below it (as strings, both the other way)
            "garbage, 1.12, null",
            "null, null, null",
    })
    void negotiationRules(String server, String min, String expected) {
        Optional<ApiVersions.ApiVersion> chosen = ApiVersions.negotiate(server, min);
        assertEquals(Optional.ofNullable(expected).map(ApiVersions.ApiVersion::parse), chosen);
    }
}
