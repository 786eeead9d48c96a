package io.scanopy.spi;

/**
 * A target's settings cannot be used. The message is shown to the user as is: it names the
 * setting (variable, flag or file) and says what to do.
 */
public class TargetConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the actionable message
     */
    public TargetConfigurationException(String message) {
        super(message);
    }
}
