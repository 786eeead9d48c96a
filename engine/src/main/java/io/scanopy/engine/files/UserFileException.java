package io.scanopy.engine.files;

/**
 * A file or directory a setting names cannot be used. The message is one line naming the
 * setting, the user's path, what is wrong and what to do; {@link #fault()} is stable for tests.
 */
public final class UserFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Fault {
        /** Nothing at the path (or a symbolic link to nothing), or its directory is missing. */
        MISSING,
        /** A directory, named pipe, device or socket where a regular file belongs (or the reverse). */
        WRONG_TYPE,
        /** Larger than the cap for its kind. */
        TOO_LARGE,
        /** Permission denied. */
        NOT_PERMITTED,
        /** On a read-only file system. */
        READ_ONLY,
        /** The file system is full (or the quota is used up). */
        FULL,
        /** Any other I/O error; the message carries the system's reason. */
        IO_ERROR
    }

    private final Fault fault;

    UserFileException(Fault fault, String message) {
        super(message);
        this.fault = fault;
    }

    /**
     * @return the fault
     */
    public Fault fault() {
        return fault;
    }
}
