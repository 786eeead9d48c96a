package io.scanopy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Images of real software from Debian packages, for detection tests: {@code apt-get download}
 * of the packages, {@code dpkg -x} of each, the binaries plus every library {@code ldd} lists
 * for them (from the packages first, then this machine), and the static busybox with all its
 * applets, {@code FROM scratch}. An image already built under its tag is reused.
 */
public final class DebianImages {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
    private static final Pattern LIBRARY = Pattern.compile("(?m)^\\s*(\\S+)(?: => (/\\S+))? \\(0x");

    private DebianImages() {
    }

    /**
     * @param tag the image tag (reused when the engine has it)
     * @param packages Debian packages to download and unpack (the software and the libraries it needs that this machine lacks)
     * @param binaries paths inside the packages to put in the image, with what ldd lists for them
     * @return the image name
     */
    public static synchronized String build(String tag, List<String> packages, List<String> binaries) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
            return tag;
        } catch (RuntimeException notYetBuilt) {
            // Build it below.
        }
        packages.forEach(p -> {
            if (!NAME.matcher(p).matches()) {
                throw new IllegalArgumentException("package name: " + p);
            }
        });
        try {
            Path work = Files.createTempDirectory("scanopy-debian-image");
            Path root = work.resolve("root");
            List<String> download = new ArrayList<>(List.of("apt-get", "download"));
            download.addAll(packages);
            run(work, download);
            try (var debs = Files.list(work)) {
                for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                    run(work, List.of("dpkg", "-x", deb.toString(), root.toString()));
                }
            }
            ImageFromDockerfile image = new ImageFromDockerfile(tag, false).withFileFromPath("rootfs/bin/busybox", TestImages.staticBusybox());
            String libraryPath = root.resolve("usr/lib/x86_64-linux-gnu") + ":" + root.resolve("lib/x86_64-linux-gnu");
            for (String binary : binaries) {
                Path file = root.resolve(binary.replaceFirst("^/", ""));
                image.withFileFromPath("rootfs" + binary, file.toRealPath());
                ProcessBuilder ldd = new ProcessBuilder("ldd", file.toString()).redirectErrorStream(true);
                ldd.environment().put("LD_LIBRARY_PATH", libraryPath);
                String out = new String(ldd.start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Matcher m = LIBRARY.matcher(out);
                while (m.find()) {
                    String at = m.group(2) != null ? m.group(2) : m.group(1);
                    if (!at.startsWith("/")) {
                        continue; // linux-vdso
                    }
                    Path library = Path.of(at);
                    // The loader keeps its path; every other library goes where the loader looks first.
                    String inImage = library.getFileName().toString().startsWith("ld-linux") ? at : "/lib/x86_64-linux-gnu/" + library.getFileName();
                    image.withFileFromPath("rootfs" + inImage, library.toRealPath());
                }
                if (out.contains("not found")) {
                    throw new IllegalStateException(binary + " needs a library neither the packages nor this machine have: " + out);
                }
            }
            image.withFileFromString("rootfs/etc/passwd", "root:x:0:0:root:/:/bin/sh\nsshd:x:100:65534::/run/sshd:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
            image.withFileFromString("rootfs/etc/group", "root:x:0:\nnogroup:x:65534:\n");
            image.withFileFromString("Dockerfile", "FROM scratch\nCOPY rootfs/ /\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n");
            return image.get();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + tag + " from Debian packages " + packages, e);
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip() + " (" + DockerEngineExtension.FIX + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
