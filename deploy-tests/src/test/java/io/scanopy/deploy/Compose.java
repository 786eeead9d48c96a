package io.scanopy.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One compose project, run as a user runs it: the compose command in the setup's folder, with
 * the project name (unique per test, so projects on the shared engine never collide) and the
 * variables a user exports. Every command is bounded.
 *
 * @param tool the compose command: Debian's {@code docker-compose} (1.29) or Compose v2's binary
 * @param folder the setup's folder (a copy), where its docker-compose.yml is
 * @param project the project name
 * @param environment variables added to this process's environment
 */
record Compose(String tool, Path folder, String project, Map<String, String> environment) {
    /** Debian's docker-compose 1.29 (apt package docker-compose), on PATH. */
    static final String V1 = "docker-compose";
    /** Compose v2 (trixie's docker-compose 2.x, scripts/compose-v2.sh). */
    static final String V2 = System.getProperty("scanopy.test.composeV2", "/var/cache/scanopy-test/compose-v2/usr/bin/docker-compose");

    /** What a command printed (stdout and stderr together) and its exit status. */
    record Result(int status, String output) {
    }

    Compose {
        environment = Map.copyOf(environment);
    }

    /**
     * Runs {@code TOOL -p PROJECT ARGS...} in the folder, at most {@code timeout}.
     *
     * @param timeout the bound
     * @param args the compose arguments
     * @return its status and output
     */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool, "-p", project));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(folder, "compose-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeout.toSeconds() + " s; output:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /**
     * Runs a command that must succeed.
     *
     * @param timeout the bound
     * @param args the compose arguments
     * @return its output
     */
    String require(Duration timeout, String... args) throws IOException, InterruptedException {
        Result result = run(timeout, args);
        if (result.status() != 0) {
            throw new IllegalStateException(tool + " -p " + project + " " + String.join(" ", args) + " exited " + result.status() + ":\n" + result.output());
        }
        return result.output();
    }

    /**
     * @param name the variable
     * @param value its value
     * @return this project with one more variable
     */
    Compose with(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(environment);
        more.put(name, value);
        return new Compose(tool, folder, project, more);
    }
}
