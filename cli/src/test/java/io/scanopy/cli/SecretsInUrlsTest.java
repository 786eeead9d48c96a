package io.scanopy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user name and password in a Docker or proxy address never reach stdout, stderr (the error
 * line, the --debug stack trace, the debug log) of any command, however the address is given
 * and however malformed it is. Every such address is refused with one line that names the
 * setting and shows the address as {@code scheme://…@host}.
 */
class SecretsInUrlsTest {
    /** Each half alone must never show: a message that cut the password in two would still leak. */
    private static final String USER = "scanopyUser7";
    private static final String PASSWORD_START = "S3cretPa55";
    private static final String PASSWORD_END = "Tail9";

    /** Passwords as users write them: plain, with a raw '@', with a '/', with a space. */
    private static final List<String> PASSWORDS = List.of(PASSWORD_START + PASSWORD_END, PASSWORD_START + "@" + PASSWORD_END,
            PASSWORD_START + "/" + PASSWORD_END, PASSWORD_START + " " + PASSWORD_END);

    record Run(int code, String everything) {
    }

    /** Runs the CLI in-process with its own stdout and stderr and the JVM's (where logback writes), all captured. */
    private static Run run(Map<String, String> env, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream jvm = new ByteArrayOutputStream();
        PrintStream systemOut = System.out;
        PrintStream systemErr = System.err;
        int code;
        try (PrintStream capture = new PrintStream(jvm, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ScanopyDaemon.run(args.toArray(new String[0]), env,
                    new PrintWriter(out, true), new PrintWriter(err, true)), "refused at once, never started: " + args);
        } finally {
            System.setOut(systemOut);
            System.setErr(systemErr);
        }
        return new Run(code, out + "\n" + err + "\n" + jvm.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoSecret(Run run, String how) {
        for (String part : List.of(USER, PASSWORD_START, PASSWORD_END)) {
            assertFalse(run.everything().contains(part), how + ": '" + part + "' leaked: " + run.everything());
        }
    }

    @Test
    void aPasswordInAnyAddressNeverReachesAnyOutput(@TempDir Path dir) throws Exception {
        List<List<String>> commands = List.of(List.of("discover"), List.of("doctor"), List.of("plugins"),
                List.of("proxy-config", "--flavor", "tecnativa"), List.of("run", "--daemon-port", "0"));
        int checked = 0;
        for (String password : PASSWORDS) {
            String proxy = "http://" + USER + ":" + password + "@proxy.invalid:2375";
            Path flat = Files.writeString(dir.resolve("flat-" + checked + ".yaml"), "docker-proxy: \"" + proxy + "\"\n");
            Path entry = Files.writeString(dir.resolve("entry-" + checked + ".yaml"), "docker-proxy:\n  - url: \"" + proxy + "\"\n    flavor: tecnativa\n");
            Map<String, Map.Entry<Map<String, String>, List<String>>> ways = new LinkedHashMap<>();
            ways.put("--docker-proxy", Map.entry(Map.of(), List.of("--docker-proxy", proxy)));
            ways.put("SCANOPY_DOCKER_PROXY", Map.entry(Map.of("SCANOPY_DOCKER_PROXY", proxy), List.of()));
            ways.put("SCANOPY_DOCKER_PROXY without a scheme", Map.entry(Map.of("SCANOPY_DOCKER_PROXY", USER + ":" + password + "@proxy.invalid:2375"), List.of()));
            ways.put("config file, a URL", Map.entry(Map.of(), List.of("--config", flat.toString())));
            ways.put("config file, an entry", Map.entry(Map.of("SCANOPY_CONFIG", entry.toString()), List.of()));
            ways.put("DOCKER_HOST", Map.entry(Map.of("DOCKER_HOST", "tcp://" + USER + ":" + password + "@127.0.0.1:2375"), List.of()));
            for (var way : ways.entrySet()) {
                for (List<String> command : commands) {
                    List<String> args = new ArrayList<>(way.getValue().getValue());
                    args.addAll(command);
                    args.add("--debug");
                    Run run = run(way.getValue().getKey(), args);
                    String how = way.getKey() + " with password '" + password + "', " + command;
                    assertNoSecret(run, how);
                    // Only plugins and proxy-config with DOCKER_HOST never read the target: everything else refuses it, showing it redacted.
                    if (List.of("discover", "doctor", "run").contains(command.get(0)) || !way.getKey().equals("DOCKER_HOST")) {
                        assertTrue(run.code() != 0, how + ": refused: " + run.everything());
                        assertTrue(run.everything().contains("…@"), how + ": the address is shown without its user information: " + run.everything());
                    }
                    checked++;
                }
            }
        }
        assertEquals(PASSWORDS.size() * 6 * 5, checked);
    }

    @Test
    void theRefusalSaysWhichSettingAndWhatToDo() {
        Run run = run(Map.of("SCANOPY_DOCKER_PROXY", "http://" + USER + ":" + PASSWORD_START + "@proxy.invalid:2375"), List.of("discover"));
        assertTrue(run.everything().contains("scanopy-daemon: SCANOPY_DOCKER_PROXY has a user name or password in its URL (http://…@proxy.invalid:2375): "
                + "socket proxies take none — remove it"), run.everything());
        Run docker = run(Map.of("DOCKER_HOST", "tcp://" + USER + ":" + PASSWORD_START + "@127.0.0.1:2375"), List.of("discover"));
        assertTrue(docker.everything().contains("scanopy-daemon: DOCKER_HOST has a user name or password in its address (tcp://…@127.0.0.1:2375): "
                + "the Docker engine takes none — remove it"), docker.everything());
    }
}
