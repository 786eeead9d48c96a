package io.scanopy.engine.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings given on the command line; null or empty where not given.
 *
 * @param configFile {@code --config}
 * @param dockerProxies {@code --docker-proxy}, repeatable
 * @param sslCert {@code --docker-proxy-ssl-cert}
 * @param sslKey {@code --docker-proxy-ssl-key}
 * @param sslChain {@code --docker-proxy-ssl-chain}
 * @param flavor {@code --docker-proxy-flavor}
 * @param pluginsDir {@code --plugins-dir}
 * @param targetTimeout {@code --target-timeout}, in seconds, as given
 */
public record CliSettings(Path configFile, List<String> dockerProxies, Path sslCert, Path sslKey, Path sslChain, String flavor, Path pluginsDir,
                          String targetTimeout) {

    /** Copies the list. */
    public CliSettings {
        dockerProxies = dockerProxies == null ? List.of() : List.copyOf(dockerProxies);
    }

    /**
     * The settings without a target timeout.
     *
     * @param configFile {@code --config}
     * @param dockerProxies {@code --docker-proxy}, repeatable
     * @param sslCert {@code --docker-proxy-ssl-cert}
     * @param sslKey {@code --docker-proxy-ssl-key}
     * @param sslChain {@code --docker-proxy-ssl-chain}
     * @param flavor {@code --docker-proxy-flavor}
     * @param pluginsDir {@code --plugins-dir}
     */
    public CliSettings(Path configFile, List<String> dockerProxies, Path sslCert, Path sslKey, Path sslChain, String flavor, Path pluginsDir) {
        this(configFile, dockerProxies, sslCert, sslKey, sslChain, flavor, pluginsDir, null);
    }

    /**
     * @return no settings at all
     */
    public static CliSettings none() {
        return new CliSettings(null, List.of(), null, null, null, null, null, null);
    }
}
