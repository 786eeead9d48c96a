package io.scanopy.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to run a plugin's proxy so that it allows exactly what discovery needs: the single
 * source for {@code scanopy-daemon proxy-config}, the documentation and the test matrix.
 *
 * @param image the image reference, pinned
 * @param environment the container environment, in a stable order
 * @param command the container command (flags), in order
 * @param port the port the proxy listens on inside its container
 * @param comments lines a human must read before using it (placeholders to fill in, ...)
 */
public record ProxySetup(String image, Map<String, String> environment, List<String> command, int port, List<String> comments) {

    /** Copies, keeping the environment's order. */
    public ProxySetup {
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        command = List.copyOf(command);
        comments = List.copyOf(comments);
    }
}
