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
        Path binary = staticBusybox();
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
            addSharedLibraries(image, shell);
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
            Path binary = staticBusybox();
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

    /** The tag of the busybox image whose files only root may read or run. */
    public static final String LOCKED_BUSYBOX = "scanopy-testkit/locked-busybox:1";

    /**
     * The busybox image with {@code /bin/busybox} at mode 0700: an image whose files are not
     * world-readable. Root in it runs everything; any other user, on Docker 20.10, can start the
     * exec's own command (runc still holds its capabilities when it starts it) but nothing that
     * command runs: the shell answers 126.
     *
     * @return the image tag
     */
    public static synchronized String lockedBusybox() {
        String base = busybox();
        return new ImageFromDockerfile(LOCKED_BUSYBOX, false)
                .withDockerfileFromBuilder(b -> b.from(base).run("/bin/busybox", "chmod", "0700", "/bin/busybox").build())
                .get();
    }

    /**
     * The static busybox from Debian's busybox-static.
     *
     * @return its path
     * @throws IllegalStateException with the install command when it is missing
     */
    public static Path staticBusybox() {
        return BUSYBOX_CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new IllegalStateException("No static busybox found at " + BUSYBOX_CANDIDATES + ": apt-get install -y busybox-static, or " + DockerEngineExtension.FIX));
    }

    /**
     * Puts the shared libraries a host binary loads (as ldd lists them, the loader included)
     * into an image's {@code rootfs/} context folder, each as the file itself, not a link.
     *
     * @param image the image being built, whose Dockerfile copies {@code rootfs/} to {@code /}
     * @param binary the host binary
     */
    public static void addSharedLibraries(ImageFromDockerfile image, Path binary) {
        for (Path library : sharedLibraries(binary)) {
            try {
                image.withFileFromPath("rootfs" + library, library.toRealPath());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + library + " for " + binary, e);
            }
        }
    }

    private static List<Path> sharedLibraries(Path binary) {
        try {
            Process ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
            String out = new String(ldd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ldd.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(/\\S+)").matcher(out);
            List<Path> libraries = new java.util.ArrayList<>();
            while (m.find()) {
                libraries.add(Path.of(m.group(1)));
            }
            return libraries;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("ldd failed on " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
