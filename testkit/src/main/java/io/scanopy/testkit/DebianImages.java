package io.scanopy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import org.testcontainers.DockerClientFactory;

/**
 * Images of real software from Debian packages, for detection tests: {@code apt-get download}
 * of the packages, {@code dpkg -x} of each, every library {@code ldd} lists for them (from the
 * packages first, then this machine), and the static busybox's applets, {@code FROM scratch}.
 * An image already built for the same packages is reused.
 */
public final class DebianImages {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
    private static final Pattern LIBRARY = Pattern.compile("(?m)^\\s*(\\S+)(?: => (/\\S+))? \\(0x");

    private DebianImages() {
    }

    /**
     * An image holding whole Debian packages as {@code dpkg -x} unpacks them (binaries, their
     * configuration under {@code /etc}, data under {@code /usr/share}, symbolic links kept), every
     * library {@code ldd} lists for any ELF file in them (from the packages first, then this
     * machine), the static busybox's applets where no package has the command, and the system
     * users Debian's maintainer scripts would have made. Maintainer scripts do not run: a
     * container's command does what they would (a data directory, a host key). The tag carries
     * a digest of the package list, so an image already built for that list is reused.
     *
     * @param name the image name, without tag
     * @param packages the Debian packages (what they depend on that this machine lacks must be listed too)
     * @param users system users, {@code name:uid:home}, each with a group of the same name and id
     * @return the image name to run
     */
    public static synchronized String software(String name, List<String> packages, List<String> users) {
        packages.forEach(p -> {
            if (!NAME.matcher(p).matches()) {
                throw new IllegalArgumentException("package name: " + p);
            }
        });
        String tag = name + ":" + digest(String.join(" ", new TreeSet<>(packages)) + "|" + String.join(" ", users) + "|" + LAYOUT);
        try {
            DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
            return tag;
        } catch (RuntimeException notYetBuilt) {
            // Build it below.
        }
        try {
            Path work = Files.createTempDirectory("scanopy-debian-software");
            Path context = work.resolve("context");
            Path root = context.resolve("rootfs");
            Files.createDirectories(root);
            List<String> download = new ArrayList<>(List.of("apt-get", "download"));
            download.addAll(packages);
            try {
                run(work, download);
            } catch (IllegalStateException stale) {
                // Package lists older than the mirror name versions it no longer has (a security update
                // replaced them): read them again once, as root can, and ask for the current versions.
                if (!"root".equals(System.getProperty("user.name"))) {
                    throw stale;
                }
                run(work, List.of("apt-get", "update", "-qq"));
                run(work, download);
            }
            try (var debs = Files.list(work)) {
                for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                    run(work, List.of("dpkg", "-x", deb.toString(), root.toString()));
                }
            }
            Map<String, Path> hostLibraries = librariesOutside(root);
            for (Map.Entry<String, Path> library : hostLibraries.entrySet()) {
                Path in = root.resolve(library.getKey().substring(1));
                if (!Files.exists(in, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(in.getParent());
                    Files.copy(library.getValue(), in);
                }
            }
            Files.createDirectories(root.resolve("bin"));
            Files.copy(TestImages.staticBusybox(), root.resolve("bin/busybox"));
            StringBuilder passwd = new StringBuilder("root:x:0:0:root:/root:/bin/sh\n");
            StringBuilder group = new StringBuilder("root:x:0:\n");
            for (String user : users) {
                String[] f = user.split(":");
                passwd.append(f[0]).append(":x:").append(f[1]).append(':').append(f[1]).append("::").append(f[2]).append(":/bin/sh\n");
                group.append(f[0]).append(":x:").append(f[1]).append(":\n");
            }
            passwd.append("nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n");
            group.append("nogroup:x:65534:\n");
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/passwd"), passwd);
            Files.writeString(root.resolve("etc/group"), group);
            Files.writeString(root.resolve("etc/hostname"), "scanopy-test\n");
            // busybox links only where no package put the command; then the directories every service expects.
            Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY rootfs/ /\n"
                    + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"for a in $(/bin/busybox --list-full); do [ -e /$a ] || [ -L /$a ] || /bin/busybox ln -s /bin/busybox /$a; done;"
                    + " /bin/busybox mkdir -p /tmp /run /var/run /var/log /var/lib /var/tmp && /bin/busybox chmod 1777 /tmp /var/tmp\"]\n");
            Path tar = work.resolve("context.tar");
            run(work, List.of("tar", "-C", context.toString(), "--owner=0", "--group=0", "--numeric-owner", "-cf", tar.toString(), "."));
            try (var in = Files.newInputStream(tar)) {
                DockerClientFactory.instance().client().buildImageCmd(in).withTags(Set.of(tag)).withLabels(Map.of(TestContainer.RUN_LABEL + ".image", "debian-software"))
                        .exec(new BuildImageResultCallback()).awaitImageId();
            }
            run(work, List.of("rm", "-rf", work.toString()));
            return tag;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + tag + " from Debian packages " + packages, e);
        }
    }

    /** Changes when the way {@link #software} lays out an image does, so an older image is not reused. */
    private static final String LAYOUT = "2";

    /**
     * What ldd lists for every ELF file under root that is not itself under root: a path in the
     * image (where the loader looks: the multiarch directory, the loader keeps its own) to the file on this machine.
     */
    private static Map<String, Path> librariesOutside(Path root) throws IOException {
        List<Path> elves;
        try (var files = Files.walk(root)) {
            elves = files.filter(Files::isRegularFile).filter(p -> !Files.isSymbolicLink(p)).filter(DebianImages::isElf).toList();
        }
        String multiarch = "/usr/lib/x86_64-linux-gnu";
        // Every folder of the packages that holds a shared object: plugins find theirs through an absolute RUNPATH
        // (/usr/lib/dovecot) that means the packages' folder here and the same folder in the image.
        Set<String> folders = new TreeSet<>();
        try (var files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().contains(".so")).forEach(p -> folders.add(p.getParent().toString()));
        }
        String libraryPath = String.join(":", folders);
        Map<String, Path> libraries = new LinkedHashMap<>();
        Set<String> missing = new TreeSet<>();
        for (int i = 0; i < elves.size(); i += 64) {
            List<String> ldd = new ArrayList<>(List.of("ldd"));
            elves.subList(i, Math.min(elves.size(), i + 64)).forEach(p -> ldd.add(p.toString()));
            ProcessBuilder pb = new ProcessBuilder(ldd).redirectErrorStream(true);
            pb.environment().put("LD_LIBRARY_PATH", libraryPath);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Matcher notFound = Pattern.compile("(?m)^\\s*(\\S+) => not found").matcher(out);
            while (notFound.find()) {
                missing.add(notFound.group(1));
            }
            Matcher m = LIBRARY.matcher(out);
            while (m.find()) {
                String at = m.group(2) != null ? m.group(2) : m.group(1);
                if (!at.startsWith("/") || Path.of(at).startsWith(root)) {
                    continue; // linux-vdso, or a file of the packages
                }
                Path library = Path.of(at);
                String inImage = library.getFileName().toString().startsWith("ld-linux") ? at : multiarch + "/" + library.getFileName();
                libraries.putIfAbsent(inImage, library.toRealPath());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("neither the packages nor this machine have " + missing
                    + ": add the Debian packages that ship them to the list (apt-file search NAME, or packages.debian.org)");
        }
        return libraries;
    }

    private static boolean isElf(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
