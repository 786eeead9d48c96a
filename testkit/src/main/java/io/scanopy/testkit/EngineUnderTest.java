package io.scanopy.testkit;

import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * The engine the tests run on: the one {@code DOCKER_HOST} names (Testcontainers reads it too),
 * else {@code /var/run/docker.sock}. The suite runs some tests on several engines, one test run
 * per engine, each with its own {@code DOCKER_HOST} and the engine's name in the system property
 * {@value #NAME_PROPERTY} (see testkit/pom.xml). Containers a test starts that talk to the engine
 * (socket proxies) mount {@link #socket()}, the socket of this engine on the host.
 */
public final class EngineUnderTest {
    /** The system property naming the engine of this test run, for reports (e.g. {@code docker26}). */
    public static final String NAME_PROPERTY = "scanopy.test.engine";
    private static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    private static volatile Description description;

    private EngineUnderTest() {
    }

    /**
     * What the engine says about itself.
     *
     * @param name the engine's name in this test suite ({@value #NAME_PROPERTY})
     * @param version the engine's version ({@code /version}'s {@code Version})
     * @param apiVersion the newest API it speaks ({@code /version}'s {@code ApiVersion})
     */
    public record Description(String name, String version, String apiVersion) {
        @Override
        public String toString() {
            return name + " " + version + " (API " + apiVersion + ")";
        }
    }

    /**
     * @return {@code DOCKER_HOST}, or the default local socket when it is unset
     */
    public static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
    }

    /**
     * @return the engine's socket on this machine, for bind mounts into containers
     * @throws IllegalStateException when the engine is not reached through a unix socket
     */
    public static Path socket() {
        String host = dockerHost();
        if (!host.startsWith("unix://")) {
            throw new IllegalStateException("DOCKER_HOST=" + host + " is not a unix socket: the tests mount the engine's socket into proxies, "
                    + "run them with DOCKER_HOST=unix://PATH");
        }
        return Path.of(host.substring("unix://".length()));
    }

    /**
     * @return the group owning {@link #socket()}: the group a container running as a non-root user needs
     */
    public static int socketGroup() {
        try {
            return (Integer) Files.getAttribute(socket(), "unix:gid");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the group of " + socket(), e);
        }
    }

    /**
     * @return the environment a default target ({@code TargetSpec.local}) needs to reach this engine
     */
    public static Map<String, String> environment() {
        return Map.of("DOCKER_HOST", dockerHost());
    }

    /**
     * @return the engine's name in this suite: {@value #NAME_PROPERTY}, else its socket's file name
     *     without {@code .sock} ({@code docker}, {@code docker26}, {@code podman})
     */
    public static String name() {
        String name = System.getProperty(NAME_PROPERTY, "").strip();
        if (!name.isEmpty()) {
            return name;
        }
        String file = socket().getFileName().toString();
        return file.endsWith(".sock") ? file.substring(0, file.length() - ".sock".length()) : file;
    }

    /**
     * Asks the engine once ({@code GET /version}).
     *
     * @return its name, version and API version
     */
    public static Description describe() {
        if (description == null) {
            Version version = DockerClientFactory.instance().client().versionCmd().exec();
            description = new Description(name(), version.getVersion(), version.getApiVersion());
        }
        return description;
    }

    // ---- where engines genuinely answer differently: tests ask here instead of loosening an assertion for every engine

    /**
     * @return whether this run's engine is Podman (its execution names it {@code podman})
     */
    public static boolean isPodman() {
        return name().startsWith("podman");
    }

    /**
     * @return the product name the inventory must give for this engine
     */
    public static String product() {
        return isPodman() ? "Podman" : "Docker";
    }

    /**
     * The engine id the inventory must give: Docker's {@code /info} ID; on Podman, whose
     * {@code /info} ID is a new random one per call, host name and storage root.
     *
     * @param info the engine's {@code /info}
     * @return the id
     */
    public static String engineId(Info info) {
        return isPodman() ? "podman:" + info.getName() + ":" + info.getDockerRootDir() : info.getId();
    }

    /**
     * An image as the engine reports it on containers: Podman's compat API builds and reports a
     * short name fully qualified with {@code docker.io/}, Docker keeps the name as tagged.
     *
     * @param tag the image as tagged
     * @return the image as reported
     */
    public static String imageAsReported(String tag) {
        return isPodman() ? "docker.io/" + tag : tag;
    }
}
