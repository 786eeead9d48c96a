package io.scanopy.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command the Swarm tests run (docker, the node script), bounded, which must succeed. */
final class Commands {
    private Commands() {
    }

    /**
     * Runs the command with variables added to this process's environment.
     *
     * @param timeout the bound: past it the command is killed and this throws
     * @param environment variables to add
     * @param command the command and its arguments
     * @return what it printed, stdout and stderr together
     * @throws IllegalStateException when it exits non-zero (with its output) or takes too long
     */
    static String run(Duration timeout, Map<String, String> environment, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("scanopy-command-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeout.toSeconds() + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
