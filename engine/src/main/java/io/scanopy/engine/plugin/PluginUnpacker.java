package io.scanopy.engine.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.pf4j.util.FileUtils;
import org.pf4j.util.Unzip;

/**
 * Where pf4j loads a plugin zip from. pf4j unpacks a zip into a folder next to it (named like
 * the zip without {@code .zip}) and unpacks it again when the zip is newer than that folder.
 * A plugins directory may be read-only (a read-only container, a folder mounted {@code :ro}): an
 * up-to-date folder there is used as it is, and a zip with none is unpacked into a private
 * directory under {@code java.io.tmpdir} instead, removed on {@link #close()}.
 */
final class PluginUnpacker implements AutoCloseable {
    private Path privateDir;

    /**
     * @param archive a plugin archive (zip or jar) in the plugins directory
     * @return what pf4j loads: a jar as it is, a zip's unpacked folder
     * @throws IOException when the zip can be unpacked neither next to it nor under java.io.tmpdir
     */
    Path unpacked(Path archive) throws IOException {
        String name = archive.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return archive;
        }
        Path beside = archive.resolveSibling(name.substring(0, name.length() - ".zip".length()));
        if (Files.isDirectory(beside) && Files.getLastModifiedTime(beside).compareTo(Files.getLastModifiedTime(archive)) >= 0) {
            return beside;
        }
        if (Files.isWritable(archive.getParent())) {
            try {
                return FileUtils.expandIfZip(archive);
            } catch (FileSystemException e) {
                // Writable as far as access(2) tells, yet refused: unpacked privately below.
                if (!isReadOnly(e)) {
                    throw unpackFailed(archive, e);
                }
            } catch (IOException e) {
                throw unpackFailed(archive, e);
            }
        }
        Path target = privateDir(archive.getParent()).resolve(beside.getFileName());
        try {
            new Unzip(archive.toFile(), target.toFile()).extract();
        } catch (IOException e) {
            throw new IOException("the plugins directory " + archive.getParent() + " is read-only and unpacking into " + privateDir
                    + " failed too (" + e.getMessage() + ") — unpack it beside the archive (folder " + beside.getFileName()
                    + ") or give java.io.tmpdir a writable folder (a tmpfs at /tmp in a read-only container)", e);
        }
        return target;
    }

    private static IOException unpackFailed(Path archive, IOException e) {
        return new IOException("unpacking it into " + archive.getParent() + " failed (" + e.getMessage()
                + ") — check that it is a valid zip and that the plugins directory is writable", e);
    }

    private static boolean isReadOnly(FileSystemException e) {
        String reason = e.getReason();
        return e instanceof AccessDeniedException || reason != null && reason.contains("Read-only file system");
    }

    private Path privateDir(Path pluginsDir) throws IOException {
        if (privateDir == null) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            try {
                // Readable by this user only (mode 0700): the plugins' code is loaded from it.
                privateDir = Files.createTempDirectory(tmp, "scanopy-plugins-");
            } catch (IOException e) {
                throw new IOException("the plugins directory " + pluginsDir + " is read-only and java.io.tmpdir (" + tmp + ") is not writable either (" + e.getMessage()
                        + ") — unpack the plugin archives beside them, or give the daemon a writable temporary folder (a tmpfs at /tmp in a read-only container)", e);
            }
        }
        return privateDir;
    }

    /** Removes the private directory, if one was made; the plugins must be unloaded first. */
    @Override
    public void close() {
        if (privateDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(privateDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // A temporary folder: what is left is the system's to clean.
        }
    }
}
