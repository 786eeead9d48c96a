package io.scanopy.engine.config;

/** A setting (flag, environment variable or config file entry) is unusable; the message says which and what to do. */
public final class ConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the actionable message
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * @param message the actionable message
     * @param cause the underlying error
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
