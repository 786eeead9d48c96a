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
     * A FROM scratch image with the static busybox and only the given applets linked, for
     * containers without a shell ({@code sh} left out) or without an HTTP client.
     *
     * @param tag the image tag
     * @param applets the applets to link into /bin
     * @return the image name
     */
    public static synchronized String minimal(String tag, List<String> applets) {
        return minimal(tag, applets, null);
    }

    /**
     * Like {@link #minimal(String, List)}, with a Debian shell as {@code /bin/sh} (and, for
     * bash, as {@code /bin/bash}): busybox's own shell runs every applet even without a link, so
     * a shell that lacks an HTTP client has to be another shell.
     *
     * @param tag the image tag
     * @param applets the busybox applets to link into /bin
     * @param shell {@code /bin/dash} or {@code /bin/bash} from this machine, with the libraries ldd names; null for none
     * @return the image name
     */
    public static synchronized String minimal(String tag, List<String> applets, Path shell) {
        for (String applet : applets) {
            if (!applet.matches("[a-z0-9]+")) {
                throw new IllegalArgumentException("applet name: " + applet);
            }
        }
        Path binary = BUSYBOX_CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new IllegalStateException("No static busybox found at " + BUSYBOX_CANDIDATES + ": apt-get install -y busybox-static, or " + DockerEngineExtension.FIX));
        String links = String.join(" ", applets);
        ImageFromDockerfile image = new ImageFromDockerfile(tag, false).withFileFromPath("rootfs/bin/busybox", binary);
        if (shell != null) {
            if (!Files.isExecutable(shell)) {
                throw new IllegalStateException(shell + " is missing: apt-get install -y " + shell.getFileName());
            }
            image.withFileFromPath("rootfs/bin/sh", shell);
            if (shell.getFileName().toString().equals("bash")) {
                image.withFileFromPath("rootfs/bin/bash", shell);
            }
            for (Path lib : io.scanopy.testkit.proxy.ProxyImages.sharedLibraries(shell)) {
                try {
                    image.withFileFromPath("rootfs" + lib, lib.toRealPath());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot read " + lib + " for the " + tag + " test image", e);
                }
            }
        }
        image.withFileFromString("Dockerfile", "FROM scratch\nCOPY rootfs/ /\n"
                // busybox's own shell, at build time only: the image keeps just the listed applets.
                + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"for a in " + links + "; do /bin/busybox ln -s busybox /bin/$a; done; /bin/busybox mkdir -p /tmp /www\"]\n");
        return image.get();
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
