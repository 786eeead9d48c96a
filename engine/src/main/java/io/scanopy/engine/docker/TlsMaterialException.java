package io.scanopy.engine.docker;

import java.nio.file.Path;

/**
 * A TLS file cannot be used. The message names the file, the setting it came from, the fault
 * and what to do; {@link #fault()} is stable for tests and reports.
 */
public final class TlsMaterialException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Fault {
        /** Missing or not readable. */
        UNREADABLE,
        /** Not a regular file (a directory, named pipe, device or socket), or larger than a PEM file may be. */
        NOT_A_FILE,
        /** Not a PEM file of the expected kind. */
        NOT_PEM,
        /** The private key is encrypted (needs a passphrase). */
        ENCRYPTED_KEY,
        /** The key does not belong to the certificate. */
        KEY_MISMATCH,
        /** The certificate's validity has ended. */
        EXPIRED,
        /** The certificate's validity has not begun. */
        NOT_YET_VALID,
        /** Only part of the TLS settings were given. */
        INCOMPLETE
    }

    private final Fault fault;
    private final transient Path file;

    TlsMaterialException(Fault fault, Path file, String message) {
        super(message);
        this.fault = fault;
        this.file = file;
    }

    /**
     * @return the fault
     */
    public Fault fault() {
        return fault;
    }

    /**
     * @return the file concerned, or null
     */
    public Path file() {
        return file;
    }
}
