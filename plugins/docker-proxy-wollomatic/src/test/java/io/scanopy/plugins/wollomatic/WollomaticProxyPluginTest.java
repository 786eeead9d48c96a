package io.scanopy.plugins.wollomatic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.Denial;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.EndpointRequirement;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which answers are wollomatic's, and the exact allowlist regex each denial needs. */
class WollomaticProxyPluginTest {
    private final WollomaticProxyPlugin plugin = new WollomaticProxyPlugin();

    @ParameterizedTest(name = "{0} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "403 | text/plain; charset=utf-8 | Forbidden                               | true",
            "405 | text/plain; charset=utf-8 | Method Not Allowed                      | true",
            "403 | text/html                 | <html><body><h1>403 Forbidden</h1>      | false",
            "404 | application/json          | {\"message\":\"page not found\"}         | false",
            "403 | text/plain; charset=utf-8 | Forbidden by something else             | false",
    })
    void recognisesOnlyItsOwnAnswers(int status, String type, String body, boolean expected) {
        assertEquals(expected, plugin.recognises(new Denial(null, "GET", "/x", status, type.strip(), body.strip() + "\n")));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "LIST_CONTAINERS   | /v1.41/containers/json               | 403 | add -allowGET='/v1\\.[0-9]+/containers/json'",
            "LIST_CONTAINERS   | /containers/json                     | 403 | add -allowGET='/containers/json'",
            "INSPECT_CONTAINER | /v1.41/containers/abc/json           | 403 | add -allowGET='/v1\\.[0-9]+/containers/[^/]+/json' (or SP_ALLOW_GET='/v1\\.[0-9]+/containers/[^/]+/json')",
            "EXEC_CREATE       | /v1.41/containers/abc/exec           | 405 | the proxy has no POST allowlist: add -allowPOST='/v1\\.[0-9]+/containers/[^/]+/exec'",
            "EXEC_START        | /exec/abc/start                      | 405 | the proxy has no POST allowlist: add -allowPOST='/exec/[^/]+/start'",
    })
    void explainsWithTheRegexForThePathFormSent(DockerEndpoint endpoint, String path, int status, String expected) {
        String text = plugin.explainDenial(new Denial(endpoint, endpoint.method(), path, status, "text/plain; charset=utf-8", "x")).orElseThrow();
        assertTrue(text.startsWith(expected), text);
        if (status == 403) {
            assertTrue(text.contains("-allowfrom") && text.contains("-listenip=0.0.0.0"), "a 403 may also be the client address: " + text);
        }
    }

    @Test
    void theRegexesItWritesAdmitExactlyThePathsSentAnchoredLikeTheProxy() {
        for (DockerEndpoint e : DockerEndpoint.values()) {
            String concrete = e.pathTemplate().replace("{id}", "3f2a9c");
            Pattern versioned = Pattern.compile("^(" + WollomaticProxyPlugin.pathRegex(e, true) + ")$");
            Pattern plain = Pattern.compile("^(" + WollomaticProxyPlugin.pathRegex(e, false) + ")$");
            assertTrue(versioned.matcher("/v1.41" + concrete).matches() && !versioned.matcher(concrete).matches(), e.toString());
            assertTrue(plain.matcher(concrete).matches() && !plain.matcher("/v1.41" + concrete).matches(), e.toString());
        }
        String get = WollomaticProxyPlugin.allowlist("GET", EndpointRequirement.standard()).orElseThrow();
        Pattern both = Pattern.compile("^(" + get + ")$");
        assertTrue(both.matcher("/v1.44/containers/abc/json").matches() && both.matcher("/networks").matches());
        assertTrue(!both.matcher("/v1.44/containers/abc/exec").matches() && !both.matcher("/images/json").matches()
                && !both.matcher("/containers/abc/json/../../images").matches(), get);
    }
}
