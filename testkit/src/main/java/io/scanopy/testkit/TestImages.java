package io.scanopy.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Images the tests need, built locally (our engines reach no registry): a {@code FROM scratch}
 * image with the static busybox from Debian's {@code busybox-static}, installed with all its
 * applets ({@code sh}, {@code httpd}, {@code wget}, {@code nc}, ...).
 */
public final class TestImages {
    /** The tag of the busybox test image. */
    public static final String BUSYBOX = "scanopy-testkit/busybox:1";
    private static final List<Path> BUSYBOX_CANDIDATES = List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));
    private static volatile String busybox;

    private TestImages() {
    }

    /**
     * Builds the busybox image once per JVM (the engine's layer cache makes later builds instant).
     *
     * @return the image name to run
     * @throws IllegalStateException when busybox-static is not installed
     */
    public static synchronized String busybox() {
        if (busybox == null) {
            Path binary = BUSYBOX_CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                    new IllegalStateException("No static busybox found at " + BUSYBOX_CANDIDATES + ": apt-get install -y busybox-static, or " + DockerEngineExtension.FIX));
            busybox = new ImageFromDockerfile(BUSYBOX, false)
                    .withFileFromPath("busybox", binary)
                    .withDockerfileFromBuilder(b -> b.from("scratch")
                            .copy("busybox", "/bin/busybox")
                            .run("/bin/busybox", "--install", "-s", "/bin")
                            .build())
                    .get();
        }
        return busybox;
    }
}
