package io.scanopy.engine.files;

import io.scanopy.engine.files.UserFileException.Fault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A file a setting ({@code --out}) asks us to keep written, replaced atomically: the bytes go to
 * a temporary file in the same directory, are flushed to disk, then renamed over it, so a reader
 * (and the file after a crash or kill -9) is the previous version or the new one, never a part.
 *
 * <p>A symbolic link is written through: its target is replaced, in the target's directory, and
 * the link stays. Only a regular file or nothing may be at the path: a device ({@code /dev/full}),
 * a named pipe or a directory is refused, never replaced. A file that is replaced keeps its
 * permissions; a new one gets 0666 less the umask, as a shell's {@code >} would give it. Every failure is one line naming the setting and the user's path (never our
 * temporary file), and the previous file is left as it was.
 */
public final class OutputFile {
    private static final FileAttribute<Set<PosixFilePermission>> NEW_FILE_MODE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));
    /** Linux's limit on links followed in one path (ELOOP). */
    private static final int MAX_LINKS = 40;

    private final Path path;
    private final String setting;

    private OutputFile(Path path, String setting) {
        this.path = path;
        this.setting = setting;
    }

    /**
     * Checks, before any work is done, that the path can be written: what is there (through any
     * symbolic link) is a regular file or nothing, its directory exists, and a file can be created
     * in it (a temporary one, removed again). A full disk shows only when writing.
     *
     * @param path the user's path
     * @param setting the setting that named it ({@code --out})
     * @return the output file
     * @throws UserFileException naming the setting, the path, the fault and what to do
     */
    public static OutputFile check(Path path, String setting) throws UserFileException {
        OutputFile file = new OutputFile(path, setting);
        Path target = file.target();
        Path temp = file.createTemp(target);
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw file.writeFault(target, e);
        }
        return file;
    }

    /**
     * @return the user's path
     */
    public Path path() {
        return path;
    }

    /**
     * Replaces the file's content atomically.
     *
     * @param bytes the new content
     * @throws UserFileException naming the setting, the path, the fault and what to do; the
     *     previous file is unchanged
     */
    public void write(byte[] bytes) throws UserFileException {
        Path target = target();
        Path temp = createTemp(target);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On disk before the rename: after a power loss the name holds old or new, not nothing.
                channel.force(true);
            }
            keepPermissions(target, temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw writeFault(target, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Cannot happen after a rename; after a failure, the fault above is what matters.
            }
        }
    }

    /**
     * The file to replace: the path, or where its chain of symbolic links ends (which may not
     * exist yet). What is there must be a regular file or nothing, in an existing directory.
     */
    private Path target() throws UserFileException {
        Path current = path.toAbsolutePath();
        for (int links = 0; Files.isSymbolicLink(current); links++) {
            if (links == MAX_LINKS) {
                throw fault(Fault.WRONG_TYPE, "too many levels of symbolic links; give a file path");
            }
            try {
                current = current.getParent().resolve(Files.readSymbolicLink(current));
            } catch (IOException e) {
                throw fault(Fault.IO_ERROR, "cannot read the symbolic link " + current + " (" + UserFiles.reason(e) + ")");
            }
        }
        Path dir = current.getParent();
        if (dir == null) {
            throw fault(Fault.WRONG_TYPE, "is the root directory; give a file path");
        }
        BasicFileAttributes attributes = attributes(current);
        if (attributes != null && attributes.isDirectory()) {
            throw fault(Fault.WRONG_TYPE, "is a directory" + via(current) + "; give a file path in it, such as " + current.resolve("inventory.json"));
        }
        if (attributes != null && !attributes.isRegularFile()) {
            throw fault(Fault.WRONG_TYPE, "not a regular file (" + UserFiles.describe(path) + "); give the path of a file to write, or of none yet");
        }
        BasicFileAttributes dirAttributes = attributes(dir);
        if (dirAttributes == null) {
            throw fault(Fault.MISSING, "the directory " + dir + " does not exist" + via(current) + "; create it or give a path in an existing one");
        }
        if (!dirAttributes.isDirectory()) {
            throw fault(Fault.WRONG_TYPE, dir + " is not a directory (" + UserFiles.describe(dir) + "); give a path in a directory");
        }
        return current;
    }

    private Path createTemp(Path target) throws UserFileException {
        try {
            // 0666 less the umask, as a shell's "> FILE" gives; a replaced file then takes the old mode.
            return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp", NEW_FILE_MODE);
        } catch (IOException e) {
            throw writeFault(target, e);
        }
    }

    /** A replaced file keeps its mode. */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        PosixFileAttributeView old = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (old != null && Files.isRegularFile(target)) {
            try {
                Files.setPosixFilePermissions(temp, old.readAttributes().permissions());
            } catch (NoSuchFileException e) {
                // Removed meanwhile: the new file keeps the temporary file's mode.
            }
        }
    }

    /** What the system said, as the user's path and the fix: our temporary file is never named. */
    private UserFileException writeFault(Path target, IOException e) {
        Path dir = target.getParent();
        String reason = UserFiles.reason(e);
        if (e instanceof AccessDeniedException) {
            return fault(Fault.NOT_PERMITTED, "the directory " + dir + " is not writable (permission denied)" + via(target)
                    + "; let the daemon's user write there, or give another path");
        }
        if (reason.contains("Read-only file system")) {
            return fault(Fault.READ_ONLY, "the directory " + dir + " is on a read-only file system" + via(target)
                    + "; give a path on a writable one (in a container: a writable volume)");
        }
        if (reason.contains("No space left on device") || reason.contains("Disk quota exceeded")) {
            return fault(Fault.FULL, "the disk holding " + dir + " is full (" + reason + ")" + via(target)
                    + "; free space there, or give a path on another disk; the previous file is kept");
        }
        if (e instanceof NoSuchFileException) {
            return fault(Fault.MISSING, "the directory " + dir + " does not exist (any more)" + via(target) + "; create it or give a path in an existing one");
        }
        return fault(Fault.IO_ERROR, "cannot be written (" + reason + ")" + via(target) + "; the previous file is kept");
    }

    /** Says where a symbolic link led, when it did: the user named the link, not the target. */
    private String via(Path target) {
        return target.equals(path.toAbsolutePath()) ? "" : " (the symbolic link leads to " + target + ")";
    }

    private UserFileException fault(Fault fault, String problem) {
        return new UserFileException(fault, UserFiles.subject(setting, path) + ": " + problem);
    }

    /** The attributes (following links), or null when nothing is there. */
    private BasicFileAttributes attributes(Path at) throws UserFileException {
        try {
            return Files.readAttributes(at, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw writeFault(at, e);
        }
    }
}
