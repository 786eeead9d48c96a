package io.scanopy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the user names — TLS material, the config file, the catalogue, the plugins directory,
 * {@code --out} — that are not what they should be (a named pipe, {@code /dev/zero}, a
 * directory, {@code /dev/full}, a missing directory) end the command with exit 2 and one line
 * naming the setting and the path, no stack trace, within a bound: a named pipe must not hang it.
 * The pipes are real ({@code mkfifo}); no Docker engine is needed to fail these ways, and each
 * target is one nothing listens on, so a file fault that went unnoticed would show as another
 * error.
 */
class FileSettingsTest {
    /** Far above what each takes (well under a second): reaching it means something blocked. */
    private static final Duration BOUND = Duration.ofSeconds(20);
    /** An https:// proxy nobody serves: the TLS files are read before any connection. */
    private static final String PROXY = "https://127.0.0.1:9";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        return assertTimeoutPreemptively(BOUND, () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = ScanopyDaemon.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        });
    }

    /** Nothing on stdout, exactly this one line on stderr, exit 2. */
    private static void assertRefused(Run run, String line) {
        assertEquals(ScanopyDaemon.EXIT_USAGE, run.code(), run.err());
        assertEquals("", run.out());
        assertEquals("scanopy-daemon: " + line + "\n", run.err(), "one line, no stack trace");
    }

    private Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = dir.resolve(name);
        Process mkfifo = new ProcessBuilder(new ArrayList<>(List.of("mkfifo", fifo.toString()))).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        return fifo;
    }

    /** The local engine is a socket that is not there: reaching it would fail differently. */
    private Map<String, String> noEngine() {
        return Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-engine.sock"));
    }

    @Test
    void aNamedPipeAsTheCaChainIsRefusedNotWaitedOn() throws Exception {
        Path fifo = fifo("ca.pem");
        assertRefused(run(Map.of(), "--docker-proxy", PROXY, "--docker-proxy-ssl-chain", fifo.toString(), "discover"),
                "--docker-proxy-ssl-chain " + fifo + ": not a regular file (a named pipe); give the PEM file");
        // doctor reports it as that target's verdict (exit 1), in the same words, and does not hang either.
        Run doctor = run(Map.of(), "--docker-proxy", PROXY, "--docker-proxy-ssl-chain", fifo.toString(), "doctor");
        assertEquals(ScanopyDaemon.EXIT_FAILED, doctor.code(), doctor.out() + doctor.err());
        assertTrue(doctor.out().contains("--docker-proxy-ssl-chain " + fifo + ": not a regular file (a named pipe); give the PEM file"), doctor.out());
        assertTrue(!(doctor.out() + doctor.err()).contains("\tat "), "no stack trace");
    }

    @Test
    void devZeroAsTheCaChainIsRefusedNotReadUntilMemoryRunsOut() {
        assertRefused(run(Map.of("SCANOPY_DOCKER_PROXY", PROXY, "SCANOPY_DOCKER_PROXY_SSL_CHAIN", "/dev/zero"), "discover"),
                "SCANOPY_DOCKER_PROXY_SSL_CHAIN=/dev/zero: not a regular file (a character device); give the PEM file");
    }

    @Test
    void aDirectoryAsTheCaChainIsRefused() {
        assertRefused(run(Map.of(), "--docker-proxy", PROXY, "--docker-proxy-ssl-chain", dir.toString(), "discover"),
                "--docker-proxy-ssl-chain " + dir + ": not a regular file (a directory); give the PEM file");
    }

    @Test
    void aNamedPipeInDockerCertPathIsRefused() throws Exception {
        Path fifo = fifo("ca.pem");
        assertRefused(run(Map.of("DOCKER_HOST", "tcp://127.0.0.1:9", "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", dir.toString()), "discover"),
                "the CA chain (DOCKER_CERT_PATH=" + dir + ") " + fifo + ": not a regular file (a named pipe); give the PEM file");
    }

    @Test
    void aConfigFileThatIsAPipeOrADeviceIsRefused() throws Exception {
        Path fifo = fifo("scanopy.yaml");
        assertRefused(run(noEngine(), "--config", fifo.toString(), "discover"),
                "--config " + fifo + ": not a regular file (a named pipe); give the YAML config file");
        Map<String, String> env = new java.util.HashMap<>(noEngine());
        env.put("SCANOPY_CONFIG", "/dev/zero");
        assertRefused(run(env, "plugins"), "SCANOPY_CONFIG=/dev/zero: not a regular file (a character device); give the YAML config file");
    }

    @Test
    void aCatalogueThatIsAPipeOrADeviceIsRefused() throws Exception {
        Path fifo = fifo("catalogue.json");
        assertRefused(run(noEngine(), "discover", "--catalog", fifo.toString()),
                "--catalog " + fifo + ": not a regular file (a named pipe); give the catalogue file (JSON or YAML)");
        assertRefused(run(noEngine(), "discover", "--catalog", "/dev/zero"),
                "--catalog /dev/zero: not a regular file (a character device); give the catalogue file (JSON or YAML)");
    }

    @Test
    void aPluginsDirThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("plugins"), "not a folder");
        assertRefused(run(noEngine(), "--plugins-dir", file.toString(), "plugins"),
                "--plugins-dir " + file + ": not a directory (a regular file); give the folder holding the plugin archives (pf4j zip or jar)");
    }

    @Test
    void outThatCannotBeWrittenIsRefusedBeforeDiscovering() throws Exception {
        // The engine is missing: the --out line, not the socket's, shows the check comes first.
        assertRefused(run(noEngine(), "discover", "--out", "/dev/full"),
                "--out /dev/full: not a regular file (a character device); give the path of a file to write, or of none yet");
        Path missing = dir.resolve("missing/inventory.json");
        assertRefused(run(noEngine(), "discover", "--out", missing.toString()),
                "--out " + missing + ": the directory " + dir.resolve("missing") + " does not exist; create it or give a path in an existing one");
        assertRefused(run(noEngine(), "discover", "--out", dir.toString()),
                "--out " + dir + ": is a directory; give a file path in it, such as " + dir.resolve("inventory.json"));
        Path fifo = fifo("out.json");
        assertRefused(run(noEngine(), "discover", "--out", fifo.toString()),
                "--out " + fifo + ": not a regular file (a named pipe); give the path of a file to write, or of none yet");
        assertTrue(Files.notExists(dir.resolve("missing")), "nothing created");
    }

    @Test
    void theDaemonRefusesABadOutAtStartUp() {
        // Exit 2 before the daemon starts, not a warning after its first sync.
        assertRefused(run(noEngine(), "run", "--daemon-port", "0", "--out", "/dev/full"),
                "--out /dev/full: not a regular file (a character device); give the path of a file to write, or of none yet");
        Path missing = dir.resolve("missing/inventory.json");
        assertRefused(run(noEngine(), "--daemon-port", "0", "--out", missing.toString()),
                "--out " + missing + ": the directory " + dir.resolve("missing") + " does not exist; create it or give a path in an existing one");
    }
}
