package io.scanopy.spi;

/**
 * The version of this contract. Plugins state the range they were built for in their
 * {@code Plugin-Requires} descriptor entry (for example {@code >=1.0.0 & <2.0.0}); the engine
 * refuses a plugin whose range does not include this version.
 */
public final class SpiVersion {
    /** Semantic version of the SPI; the major part changes only on a breaking change. */
    public static final String CURRENT = "1.5.0";

    private SpiVersion() {
    }
}
