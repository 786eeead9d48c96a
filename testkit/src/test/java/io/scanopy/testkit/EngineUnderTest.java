package io.scanopy.testkit;

import com.github.dockerjava.api.model.Info;
import java.util.Locale;

/**
 * Which engine this test run talks to, as the surefire execution names it (system property
 * {@code scanopy.test.engine}: {@code docker}, the default, or {@code podman}; the execution
 * also points {@code DOCKER_HOST} at it). Where an engine genuinely answers differently, tests
 * ask here instead of loosening an assertion for every engine.
 */
enum EngineUnderTest {
    DOCKER("Docker"),
    PODMAN("Podman");

    /** The engine of this run. */
    static final EngineUnderTest CURRENT = valueOf(System.getProperty("scanopy.test.engine", "docker").toUpperCase(Locale.ROOT));

    /** The product name the inventory must give. */
    final String product;

    EngineUnderTest(String product) {
        this.product = product;
    }

    /** The address docker-direct must use for the local target: DOCKER_HOST as the execution set it, else Docker's socket. */
    static String localAddress() {
        String dockerHost = System.getenv("DOCKER_HOST");
        return dockerHost == null || dockerHost.isBlank() ? "unix:///var/run/docker.sock" : dockerHost;
    }

    /**
     * The engine id the inventory must give: Docker's {@code /info} ID; on Podman, whose
     * {@code /info} ID is a new random one per call, host name and storage root.
     */
    String engineId(Info info) {
        return this == PODMAN ? "podman:" + info.getName() + ":" + info.getDockerRootDir() : info.getId();
    }

    /**
     * An image as the engine reports it on containers: Podman's compat API builds and reports a
     * short name fully qualified with {@code docker.io/}, Docker keeps the name as tagged.
     */
    String imageAsReported(String tag) {
        return this == PODMAN ? "docker.io/" + tag : tag;
    }
}
