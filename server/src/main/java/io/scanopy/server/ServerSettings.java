package io.scanopy.server;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the daemon's HTTP server listens and who may use it.
 *
 * @param bindAddress the address to bind (an IP literal or host name); loopback by default so
 *     nothing is exposed unless asked for
 * @param port the TCP port; 0 picks any free port (tests)
 * @param apiKey the key every route but {@code /api/health} requires, or null for an open server
 * @param keyGenerated true when the daemon made the key up (so it can tell the user where to find
 *     it) rather than reading it from the configuration
 */
public record ServerSettings(String bindAddress, int port, String apiKey, boolean keyGenerated) {
    /** Loopback: the API shows what runs on the host, so it is private unless configured otherwise. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** The daemon's registered default port. */
    public static final int DEFAULT_PORT = 60073;

    /** Checks the values. */
    public ServerSettings {
        if (bindAddress == null || bindAddress.isBlank()) {
            bindAddress = DEFAULT_BIND_ADDRESS;
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            throw new IllegalArgumentException("an API key cannot be empty (leave it unset for an open server)");
        }
        if (apiKey == null && keyGenerated) {
            throw new IllegalArgumentException("a generated key must be given");
        }
    }

    /**
     * @return loopback, the default port, no key
     */
    public static ServerSettings defaults() {
        return new ServerSettings(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, null, false);
    }

    /**
     * @param key the API key
     * @return a copy requiring the given key
     */
    public ServerSettings withApiKey(String key) {
        return new ServerSettings(bindAddress, port, key, false);
    }

    /**
     * @return a copy requiring a new random key (256 bits, URL-safe Base64)
     */
    public ServerSettings withGeneratedKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new ServerSettings(bindAddress, port, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), true);
    }

    /**
     * @return whether a key is required
     */
    public boolean keyRequired() {
        return apiKey != null;
    }

    /** Leaves the key out: settings end up in logs and exception messages. */
    @Override
    public String toString() {
        String key = apiKey == null ? "none" : keyGenerated ? "generated" : "configured";
        return "ServerSettings[bindAddress=" + bindAddress + ", port=" + port + ", apiKey=" + key + "]";
    }
}
