package io.scanopy.cli;

import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.server.ServerSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the daemon's HTTP API listens: the options {@code run} and {@code health} share, resolved
 * the same way (flag over environment over default), so the health check asks where the daemon
 * listens.
 */
final class DaemonAddress {
    static final String ENV_BIND = "SCANOPY_BIND_ADDRESS";
    static final String ENV_PORT = "SCANOPY_DAEMON_PORT";

    @Option(names = "--bind-address", paramLabel = "ADDRESS", description = "Address the HTTP API listens on. Env: " + ENV_BIND + ". Default: "
            + ServerSettings.DEFAULT_BIND_ADDRESS + ".")
    String bindAddress;

    @Option(names = "--daemon-port", paramLabel = "PORT", description = "Port of the HTTP API. Env: " + ENV_PORT + ". Default: " + ServerSettings.DEFAULT_PORT + ".")
    Integer port;

    /**
     * @param env the environment
     * @return the address to bind, as configured (an IP literal or a host name)
     */
    String bindAddress(Map<String, String> env) {
        return bindAddress != null ? bindAddress : env.getOrDefault(ENV_BIND, ServerSettings.DEFAULT_BIND_ADDRESS);
    }

    /**
     * @param env the environment
     * @return the address to bind, resolved
     * @throws ConfigurationException when it is not an address of this host
     */
    InetAddress resolvedBindAddress(Map<String, String> env) throws ConfigurationException {
        String bind = bindAddress(env);
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigurationException((bindAddress != null ? "--bind-address " : ENV_BIND + "=") + bind + " is not an address of this host");
        }
    }

    /**
     * @param env the environment
     * @return the port
     * @throws ConfigurationException when it is not a port number
     */
    int port(Map<String, String> env) throws ConfigurationException {
        int httpPort;
        if (port != null) {
            httpPort = port;
        } else {
            try {
                httpPort = Integer.parseInt(env.getOrDefault(ENV_PORT, String.valueOf(ServerSettings.DEFAULT_PORT)).strip());
            } catch (NumberFormatException e) {
                throw new ConfigurationException(ENV_PORT + "=" + env.get(ENV_PORT) + " is not a port number: use 1-65535");
            }
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new ConfigurationException((port != null ? "--daemon-port " : ENV_PORT + "=") + httpPort + " is not a port number: use 1-65535");
        }
        return httpPort;
    }

    /**
     * The address a client on this host reaches the daemon at: the bind address, or loopback when
     * the daemon listens on every address (0.0.0.0 or ::).
     *
     * @param env the environment
     * @return the address to connect to
     * @throws ConfigurationException when the bind address is not an address of this host
     */
    InetAddress localAddress(Map<String, String> env) throws ConfigurationException {
        InetAddress bind = resolvedBindAddress(env);
        return bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
    }
}
