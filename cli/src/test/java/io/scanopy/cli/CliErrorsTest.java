package io.scanopy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each failure the user guide's troubleshooting names gives one actionable line on stderr, no
 * stack trace, and a non-zero exit. Runs the real CLI with the real docker-direct plugin
 * (from the test classpath); no Docker engine is needed to fail these ways.
 */
class CliErrorsTest {

    record Run(int code, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScanopyDaemon.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertOneLine(Run run, int code, String expectedStart) {
        assertEquals(code, run.code(), run.err());
        assertEquals("", run.out());
        String[] lines = run.err().strip().split("\n");
        assertEquals(1, lines.length, "exactly one line, no stack trace: " + run.err());
        assertTrue(lines[0].startsWith("scanopy-daemon: " + expectedStart), lines[0]);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"http://docker-proxy:0", "http://docker-proxy:65536", "http://docker-proxy:99999999999",
        "http://docker-proxy:http", "http://bücher.example:2375", "https://[::1]:0"})
    void aBadPortOrHostInAProxyUrlIsOneConfigurationLine(String url) {
        for (String[] args : new String[][] {{"--docker-proxy", url, "discover"}, {"--docker-proxy", url, "doctor"}}) {
            assertOneLine(run(Map.of(), args), ScanopyDaemon.EXIT_USAGE, "--docker-proxy=" + url + " is not a valid URL (");
        }
        assertOneLine(run(Map.of("SCANOPY_DOCKER_PROXY", url), "discover"), ScanopyDaemon.EXIT_USAGE, "SCANOPY_DOCKER_PROXY=" + url + " is not a valid URL (");
    }

    @Test
    void aTargetTimeoutThatIsNoTimeIsAConfigurationError() {
        assertOneLine(run(Map.of(), "--target-timeout", "0", "discover"), ScanopyDaemon.EXIT_USAGE,
                "--target-timeout=0 is not a time in seconds: use a number above 0 and at most 600 (for example 20 or 2.5)");
        assertOneLine(run(Map.of("SCANOPY_TARGET_TIMEOUT", "forever"), "doctor"), ScanopyDaemon.EXIT_USAGE,
                "SCANOPY_TARGET_TIMEOUT=forever is not a time in seconds");
    }

    @Test
    void missingSocket(@TempDir Path dir) {
        Path socket = dir.resolve("docker.sock");
        assertOneLine(run(Map.of("DOCKER_HOST", "unix://" + socket), "discover"), ScanopyDaemon.EXIT_FAILED,
                "Docker socket " + socket + " not found — is Docker running here? In a container, mount it: -v " + socket + ":" + socket + ":ro");
    }

    @Test
    void regularFileGivenAsSocket(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("docker.sock"), "not a socket");
        assertOneLine(run(Map.of("DOCKER_HOST", "unix://" + file), "discover"), ScanopyDaemon.EXIT_FAILED, file + " exists but is not a socket");
    }

    @Test
    void tcpConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertOneLine(run(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port), "discover"), ScanopyDaemon.EXIT_FAILED,
                "Connection refused to http://127.0.0.1:" + port);
    }

    @Test
    void proxyHostNotFound() {
        assertOneLine(run(Map.of(), "--docker-proxy", "http://no-such-proxy.invalid:2375", "discover"), ScanopyDaemon.EXIT_FAILED,
                "Host not found: no-such-proxy.invalid");
    }

    @Test
    void unverifiedTlsIsRefusedNotFallenBackTo() {
        assertOneLine(run(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS", "1"), "discover"), ScanopyDaemon.EXIT_USAGE,
                "DOCKER_TLS is set without DOCKER_TLS_VERIFY");
    }

    @Test
    void httpsWithoutChainIsAConfigurationError() {
        assertOneLine(run(Map.of("SCANOPY_DOCKER_PROXY", "https://proxy:2376"), "discover"), ScanopyDaemon.EXIT_USAGE,
                "SCANOPY_DOCKER_PROXY=https://proxy:2376 is https:// but no CA chain is set");
    }

    @Test
    void anExecUserThatIsNotAUserIsOneLine() {
        assertOneLine(run(Map.of(), "discover", "--exec-user", "0;reboot"), ScanopyDaemon.EXIT_USAGE,
                "--exec-user 0;reboot: use UID[:GID] (for example 65534:65534), a user name, or container");
    }

    @Test
    void aFilterThatIsNotKeyEqualsValueIsOneLineForDiscoverAndTheDaemon() {
        String line = "--filter foo: use KEY=VALUE with KEY one of label, name, network, ancestor"
                + " (label=KEY or label=KEY=VALUE, name=NAME, network=NETWORK, ancestor=IMAGE),"
                + " as docker ps --filter takes them";
        assertOneLine(run(Map.of(), "discover", "--filter", "label=a", "--filter", "foo"), ScanopyDaemon.EXIT_USAGE, line);
        assertOneLine(run(Map.of(), "run", "--filter", "foo"), ScanopyDaemon.EXIT_USAGE, line);
    }

    @Test
    void debugAddsTheStackTrace(@TempDir Path dir) {
        Run run = run(Map.of("DOCKER_HOST", "unix://" + dir.resolve("none.sock")), "discover", "--debug");
        assertEquals(ScanopyDaemon.EXIT_FAILED, run.code());
        assertTrue(run.err().contains("\tat "), "stack trace with --debug");
    }

    @Test
    void helpAndVersionOnEveryCommand() {
        for (String[] args : new String[][] {{"--help"}, {"discover", "--help"}, {"plugins", "--help"}}) {
            Run run = run(Map.of(), args);
            assertEquals(0, run.code());
            assertTrue(run.out().startsWith("Usage: scanopy-daemon"), run.out());
        }
        for (String[] args : new String[][] {{"--version"}, {"discover", "--version"}, {"plugins", "--version"}}) {
            Run run = run(Map.of(), args);
            assertEquals(0, run.code());
            assertTrue(run.out().matches("scanopy-daemon \\S+ \\(plugin SPI " + java.util.regex.Pattern.quote(io.scanopy.spi.SpiVersion.CURRENT) + "\\)\\s*"), run.out());
        }
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run run = run(Map.of(), "discover", "--output", "yaml");
        assertEquals(ScanopyDaemon.EXIT_USAGE, run.code());
        assertTrue(run.err().contains("--output"), run.err());
    }
}
