package io.scanopy.engine.files;

import io.scanopy.engine.files.UserFileException.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files a setting names (TLS material, the config file, a catalogue) as files: only a
 * regular file (a symbolic link is followed to one), never more than the cap for its kind, and
 * never blocking: the type is checked before the file is opened, because opening a named pipe
 * waits for a writer, and the read stops one byte past the cap, because {@code /dev/zero} or a
 * file under {@code /proc} does not tell its size. Every refusal is one line naming the setting
 * and the user's path, what is wrong and what to do.
 *
 * <p>The check and the open are two steps: a file swapped for a named pipe in between would still
 * block the open. Only someone who can already rewrite the daemon's settings can do that.
 */
public final class UserFiles {
    private static final int MIB = 1024 * 1024;

    /** What a file is for: its cap, and what to give instead. */
    public enum Kind {
        /** PEM certificates, chains and keys: a CA bundle of every public root is about 200 KiB. */
        PEM(MIB, "give the PEM file"),
        /** The YAML config file: a few lines per target. */
        CONFIG(MIB, "give the YAML config file"),
        /** A service catalogue: the built-in one, 320 services, is about 110 KiB. */
        CATALOGUE(8 * MIB, "give the catalogue file (JSON or YAML)");

        private final int cap;
        private final String give;

        Kind(int cap, String give) {
            this.cap = cap;
            this.give = give;
        }

        /**
         * @return the most bytes a file of this kind may hold
         */
        public int cap() {
            return cap;
        }
    }

    private UserFiles() {
    }

    /**
     * Reads a file a setting names.
     *
     * @param file the user's path
     * @param setting the setting that named it, as the user writes it ({@code --config},
     *     {@code SCANOPY_CONFIG}, {@code plugins-dir in config file /etc/scanopy.yaml})
     * @param kind what the file is for
     * @return its bytes, at most {@link Kind#cap()}
     * @throws UserFileException naming the setting, the path, the fault and what to do
     */
    public static byte[] read(Path file, String setting, Kind kind) throws UserFileException {
        String subject = subject(setting, file);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw notFound(subject, file, e, kind.give);
        }
        if (!attributes.isRegularFile()) {
            throw new UserFileException(Fault.WRONG_TYPE, subject + ": not a regular file (" + describe(file) + "); " + kind.give);
        }
        if (attributes.size() > kind.cap) {
            throw tooLarge(subject, kind, attributes.size());
        }
        // Bounded even when the size said otherwise: a file that grows, or one under /proc.
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(kind.cap + 1);
            if (bytes.length > kind.cap) {
                throw tooLarge(subject, kind, -1);
            }
            return bytes;
        } catch (AccessDeniedException e) {
            throw new UserFileException(Fault.NOT_PERMITTED, subject + ": cannot be read (permission denied); let the daemon's user read it");
        } catch (IOException e) {
            throw new UserFileException(Fault.IO_ERROR, subject + ": cannot be read (" + reason(e) + "); " + kind.give);
        }
    }

    /**
     * Checks that a path a setting names is a directory when it exists (a symbolic link is
     * followed).
     *
     * @param dir the user's path
     * @param setting the setting that named it
     * @param give what to give instead, for the message
     * @return whether the directory exists
     * @throws UserFileException when something other than a directory is there
     */
    public static boolean directoryIfPresent(Path dir, String setting, String give) throws UserFileException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw notFound(subject(setting, dir), dir, e, give);
        }
        if (!attributes.isDirectory()) {
            throw new UserFileException(Fault.WRONG_TYPE, subject(setting, dir) + ": not a directory (" + describe(dir) + "); " + give);
        }
        return true;
    }

    /**
     * How a setting and its path read in a message: {@code --config /etc/x.yaml}, or
     * {@code SCANOPY_CONFIG=/etc/x.yaml} for an environment variable.
     *
     * @param setting the setting
     * @param path the user's path
     * @return the two together
     */
    public static String subject(String setting, Path path) {
        return setting + (setting.matches("[A-Z][A-Z0-9_]*") ? "=" : " ") + path;
    }

    /**
     * What is at a path that is not a regular file, for messages: {@code a named pipe},
     * {@code a directory}, {@code a symbolic link to /tmp/p, a named pipe}.
     *
     * @param path the path
     * @return the description
     */
    public static String describe(Path path) {
        String type = type(path);
        if (Files.isSymbolicLink(path)) {
            try {
                return "a symbolic link to " + Files.readSymbolicLink(path) + ", " + type;
            } catch (IOException e) {
                return "a symbolic link to " + type;
            }
        }
        return type;
    }

    /** The file type from the mode bits (following links): Java's own attributes tell only "other". */
    private static String type(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return Files.isDirectory(path) ? "a directory" : Files.isRegularFile(path) ? "a regular file" : "not a file, a directory or a link";
        }
        return switch (mode & 0170000) {
            case 0010000 -> "a named pipe";
            case 0020000 -> "a character device";
            case 0040000 -> "a directory";
            case 0060000 -> "a block device";
            case 0100000 -> "a regular file";
            case 0140000 -> "a socket";
            default -> "of an unknown type";
        };
    }

    private static UserFileException notFound(String subject, Path path, IOException e, String give) {
        if (e instanceof NoSuchFileException) {
            if (Files.isSymbolicLink(path)) {
                String target;
                try {
                    target = Files.readSymbolicLink(path).toString();
                } catch (IOException unreadable) {
                    target = "a missing file";
                }
                return new UserFileException(Fault.MISSING, subject + ": a symbolic link to " + target + ", which does not exist; " + give);
            }
            return new UserFileException(Fault.MISSING, subject + ": does not exist; check the path (in a container: that its folder is mounted)");
        }
        if (e instanceof AccessDeniedException) {
            return new UserFileException(Fault.NOT_PERMITTED, subject + ": cannot be reached (permission denied on a folder on its path); let the daemon's user reach it");
        }
        return new UserFileException(Fault.IO_ERROR, subject + ": cannot be read (" + reason(e) + "); " + give);
    }

    private static UserFileException tooLarge(String subject, Kind kind, long size) {
        String mib = kind.cap / MIB + " MiB";
        return new UserFileException(Fault.TOO_LARGE, subject + ": " + (size >= 0 ? "is " + size + " bytes, " : "holds ") + "more than the "
                + mib + " such a file may be; " + kind.give);
    }

    /** The system's reason without the path (Java repeats it, and for a write it is our temporary file). */
    static String reason(IOException e) {
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return reason != null ? reason : e.getClass().getSimpleName();
    }
}
