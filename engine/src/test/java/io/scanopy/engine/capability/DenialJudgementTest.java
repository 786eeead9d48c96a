package io.scanopy.engine.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.docker.RawResponse;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.EndpointRequirement;
import io.scanopy.spi.Fallback;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transport;
import io.scanopy.spi.inventory.CapabilityReport.Check;
import io.scanopy.spi.inventory.CapabilityReport.Status;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How an answer to a capability probe is judged. The answers are the exact bodies the proxies
 * and Docker send (see shared/reference/socket-proxies.md); a real-proxy version of each row
 * runs in the proxy matrix.
 */
class DenialJudgementTest {

    /** A plugin that recognises nothing and explains nothing: the engine's generic judgement. */
    private static final DockerAccessPlugin GENERIC = new DockerAccessPlugin() {
        @Override
        public String id() {
            return "generic-test";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public int matchScore(TargetSpec target) {
            return 1;
        }

        @Override
        public Transport transport(TargetSpec target) {
            return new Transport.UnixSocket(Path.of("/dev/null"));
        }
    };

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3} by {4}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // Docker answered: the request got through (a list is a JSON array; a refusal of the probe id Docker's JSON error).
            "200 | application/json           | []                                                  | ALLOWED | null",
            "404 | application/json           | {\"message\":\"No such container: x\"}               | ALLOWED | null",
            "409 | application/json           | {\"message\":\"Container x is not running\"}         | ALLOWED | null",
            // Tecnativa (HAProxy's stock 403 page).
            "403 | text/html                  | <html><body><h1>403 Forbidden</h1>\\nRequest forbidden by administrative rules.\\n</body></html> | DENIED | proxy",
            // wollomatic: path not allowlisted, method without allowlist.
            "403 | text/plain; charset=utf-8  | Forbidden                                           | DENIED  | proxy",
            "405 | text/plain; charset=utf-8  | Method Not Allowed                                  | DENIED  | proxy",
            // Docker's own refusal (an authorization plugin) is Docker's, not a proxy's.
            "403 | application/json           | {\"message\":\"authorization denied by plugin x\"}   | DENIED  | docker",
            // Something that is not Docker answered: its own status, never allowed, never a denial to explain.
            "404 | text/html                  | <html>Not Found</html>                              | NOT_DOCKER | null",
            "502 | text/html                  | <html>Bad Gateway</html>                            | ERROR      | null",
            "500 | application/json           | {\"message\":\"boom\"}                             | ERROR      | null",
            "200 | text/html                  | <html><body>It works</body></html>                  | NOT_DOCKER | null",
            "200 | application/json           | {\"ApiVersion\":\"1.41\"}                          | NOT_DOCKER | null",
            "200 | application/json           | []garbage                                           | NOT_DOCKER | null",
    })
    void judgesEachAnswer(int status, String contentType, String body, Status expected, String deniedBy) {
        RawResponse answer = new RawResponse("GET", "/v1.41/networks", status, contentType.strip(), body.replace("\\n", "\n"));
        EndpointRequirement requirement = new EndpointRequirement(DockerEndpoint.LIST_NETWORKS, false, Fallback.DERIVED_SUBNETS, "test");
        Check check = CapabilityNegotiator.judge(DockerEndpoint.LIST_NETWORKS, answer, requirement, GENERIC);
        assertEquals(expected, check.status());
        assertEquals(deniedBy, check.deniedBy());
        if (expected == Status.DENIED) {
            assertEquals(status, check.httpStatus());
            assertEquals(Fallback.DERIVED_SUBNETS, check.fallback());
            assertTrue(check.remediation().contains("/v1.41/networks"), check.remediation());
        }
    }

    @ParameterizedTest(name = "{0} {1} [{3}] -> {4}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "PING              | 200 | text/plain       | OK                                      | ALLOWED",
            "PING              | 200 | text/html        | <html>OK</html>                         | NOT_DOCKER",
            "VERSION           | 200 | application/json | {\"ApiVersion\":\"1.41\",\"Version\":\"20.10\"} | ALLOWED",
            "VERSION           | 200 | application/json | {\"Version\":\"20.10\"}              | NOT_DOCKER",
            "VERSION           | 200 | application/json | [1]                                     | NOT_DOCKER",
            "INFO              | 200 | application/json | {\"ID\":\"x\"}                        | ALLOWED",
            "LIST_CONTAINERS   | 200 | application/json | [{\"Id\":\"x\"}]                      | ALLOWED",
            "LIST_CONTAINERS   | 200 | application/json | {\"Id\":\"x\"}                        | NOT_DOCKER",
            "INSPECT_CONTAINER | 404 | application/json | {\"message\":\"No such container: x\"} | ALLOWED",
            "INSPECT_CONTAINER | 404 | text/plain       | 404 page not found                      | NOT_DOCKER",
            "EVENTS            | 200 | application/json | ''                                      | ALLOWED",
            "EXEC_START        | 500 | text/plain       | Internal Server Error                   | ERROR",
    })
    void allowsOnlyWhatIsShapedLikeDockersAnswer(DockerEndpoint endpoint, int status, String contentType, String body, Status expected) {
        RawResponse answer = new RawResponse(endpoint.method(), "/v1.41" + endpoint.pathTemplate().replace("{id}", "x"), status, contentType.strip(), body == null ? "" : body);
        Check check = CapabilityNegotiator.judge(endpoint, answer, null, GENERIC);
        assertEquals(expected, check.status(), String.valueOf(check.remediation()));
        if (expected != Status.ALLOWED) {
            assertEquals(status, check.httpStatus());
            assertTrue(check.remediation().contains(endpoint.method() + " " + endpoint.pathTemplate()), check.remediation());
        }
    }

    @org.junit.jupiter.api.Test
    void whatCameBackIsShownWithControlCharactersEscapedAndAnAnswerCutIsNeverAllowed() {
        RawResponse hostile = new RawResponse("GET", "/_ping", 200, "text/plain", "\u001b]0;owned\u0007\u001b[2J OK");
        Check check = CapabilityNegotiator.judge(DockerEndpoint.PING, hostile, null, GENERIC);
        assertEquals(Status.NOT_DOCKER, check.status());
        assertTrue(check.answer().startsWith("\\x1b]0;owned\\x07\\x1b[2J OK"), check.answer());
        assertTrue(check.remediation().chars().noneMatch(Character::isISOControl), check.remediation());
        RawResponse cut = new RawResponse("GET", "/v1.41/containers/json?limit=1", 200, "application/json", "[" + "1,".repeat(100) + "1]", true);
        Check big = CapabilityNegotiator.judge(DockerEndpoint.LIST_CONTAINERS, cut, null, GENERIC);
        assertEquals(Status.NOT_DOCKER, big.status());
        assertTrue(big.remediation().contains("larger than 64 KiB"), big.remediation());
    }

    /** A plugin built for SPI 1.1: it explains from the denial alone. */
    private static final DockerAccessPlugin SPI_1_1 = new DockerAccessPlugin() {
        @Override
        public String id() {
            return "old-test";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public int matchScore(TargetSpec target) {
            return 1;
        }

        @Override
        public Transport transport(TargetSpec target) {
            return new Transport.UnixSocket(Path.of("/dev/null"));
        }

        @Override
        public java.util.Optional<String> explainDenial(io.scanopy.spi.Denial denial) {
            return java.util.Optional.of("old explanation of " + denial.path());
        }
    };

    @org.junit.jupiter.api.Test
    void theEngineHandsTheAllowedEndpointsToTheExplanationAndOldPluginsStillExplain() {
        RawResponse refused = new RawResponse("POST", "/v1.41/containers/x/exec", 403, "text/html", "<html>no</html>");
        EndpointRequirement requirement = EndpointRequirement.standard().stream().filter(r -> r.endpoint() == DockerEndpoint.EXEC_CREATE).findFirst().orElseThrow();
        java.util.Set<DockerEndpoint> allowed = java.util.EnumSet.of(DockerEndpoint.EXEC_START, DockerEndpoint.LIST_CONTAINERS);
        java.util.List<java.util.Set<DockerEndpoint>> seen = new java.util.ArrayList<>();
        DockerAccessPlugin spi12 = new DockerAccessPlugin() {
            @Override
            public String id() {
                return "new-test";
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public int matchScore(TargetSpec target) {
                return 1;
            }

            @Override
            public Transport transport(TargetSpec target) {
                return new Transport.UnixSocket(Path.of("/dev/null"));
            }

            @Override
            public java.util.Optional<String> explainDenial(io.scanopy.spi.Denial denial, java.util.Set<DockerEndpoint> known) {
                seen.add(known);
                return java.util.Optional.of("new explanation");
            }
        };
        assertEquals("new explanation", CapabilityNegotiator.judge(DockerEndpoint.EXEC_CREATE, refused, requirement, spi12, d -> d, allowed).remediation());
        assertEquals(java.util.List.of(allowed), seen);
        assertEquals("old explanation of /v1.41/containers/x/exec",
                CapabilityNegotiator.judge(DockerEndpoint.EXEC_CREATE, refused, requirement, SPI_1_1, d -> d, allowed).remediation());
    }
}
