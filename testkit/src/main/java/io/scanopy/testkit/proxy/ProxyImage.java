package io.scanopy.testkit.proxy;

/**
 * An image a proxy cell runs on.
 *
 * @param name the image reference
 * @param upstream true for the pinned upstream image (present in the local engine), false for
 *     our locally built replica
 */
public record ProxyImage(String name, boolean upstream) {

    /**
     * @return a label for reports, for example {@code replica scanopy-testkit/tecnativa-replica:v0.4.1}
     */
    public String describe() {
        return (upstream ? "upstream " : "replica ") + name;
    }
}
