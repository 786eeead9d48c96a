package io.scanopy.engine.detection;

/** A catalogue file is invalid; the message names the file, the line and the reason. */
public final class CatalogueException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message file, line and reason
     */
    public CatalogueException(String message) {
        super(message);
    }
}
