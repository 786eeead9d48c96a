package io.scanopy.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker command line, as a user types it, against one engine. Every call is bounded; the
 * arguments are the test's own (names it chose), never text a container produced.
 */
final class DockerCli {
    private static final long TIMEOUT_SECONDS = 180;
    private final String host;

    /**
     * @param host the engine (a DOCKER_HOST value)
     */
    DockerCli(String host) {
        this.host = host;
    }

    /** What a command did. */
    record Result(int exitCode, String out, String err) {
        /** @return stdout, checked: the command must have succeeded */
        String ok() {
            if (exitCode != 0) {
                throw new AssertionError("docker exited " + exitCode + ": " + err + out);
            }
            return out.strip();
        }
    }

    /**
     * @param args the docker arguments
     * @return the result
     */
    Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return exec(new ProcessBuilder(command));
    }

    /**
     * Copies an image from this engine to another (docker save | docker load): no registry.
     *
     * @param image the image
     * @param to the other engine
     */
    void copyImage(String image, DockerCli to) {
        ProcessBuilder pipe = new ProcessBuilder("bash", "-o", "pipefail", "-c", "docker save \"$1\" | DOCKER_HOST=\"$2\" docker load", "copy", image, to.host);
        exec(pipe).ok();
    }

    private Result exec(ProcessBuilder builder) {
        builder.environment().put("DOCKER_HOST", host);
        try {
            Path out = Files.createTempFile("docker-cli", ".out");
            Path err = Files.createTempFile("docker-cli", ".err");
            try {
                Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(builder.command() + " did not end within " + TIMEOUT_SECONDS + " s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + builder.command() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
