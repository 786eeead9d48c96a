package io.scanopy.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** Fails a test class loudly, with the fix, when no Docker engine can be used. See {@link RequiresDocker}. */
public final class DockerEngineExtension implements BeforeAllCallback {
    /** What to run on one of our Debian machines to get an engine and the test images' inputs. */
    public static final String FIX = "run scripts/test-env.sh (installs docker.io and busybox-static, starts dockerd and the second engine on /run/docker26.sock), "
            + "or run the whole suite with scripts/test.sh";

    @Override
    public void beforeAll(ExtensionContext context) {
        // Inside a container without a registry, Testcontainers would try to pull an image to find
        // the gateway and hang for minutes: fail at once instead.
        if (Files.exists(Path.of("/.dockerenv")) && isBlank(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))
                && isBlank(System.getProperty("testcontainers.host.override"))) {
            throw new IllegalStateException("This machine has /.dockerenv but TESTCONTAINERS_HOST_OVERRIDE is not set; "
                    + "Testcontainers would hang pulling an image. Set TESTCONTAINERS_HOST_OVERRIDE=localhost and TESTCONTAINERS_RYUK_DISABLED=true, or "
                    + FIX);
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("No Docker engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + ", default unix:///var/run/docker.sock): " + FIX);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
