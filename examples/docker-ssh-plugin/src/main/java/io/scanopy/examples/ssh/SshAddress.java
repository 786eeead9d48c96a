package io.scanopy.examples.ssh;

import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transports;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where to log in and which socket to reach there, from {@code ssh://[user@]host[:port][/socket]}.
 * User and port may also come from {@code ~/.ssh/config} (a {@code Host} alias), as with ssh(1).
 *
 * @param user the login name, or null for ~/.ssh/config's User or the local user
 * @param host the host name or ~/.ssh/config alias
 * @param port the port, or 0 for ~/.ssh/config's Port or 22
 * @param socket the Docker socket on that host
 * @param setting where the URL came from, for messages
 */
record SshAddress(String user, String host, int port, String socket, String setting) {
    static final String DEFAULT_SOCKET = "/var/run/docker.sock";

    static boolean isSsh(TargetSpec target) {
        if (target.endpoint() != null) {
            return target.scheme().orElse("").equals("ssh");
        }
        return target.environment().getOrDefault("DOCKER_HOST", "").strip().regionMatches(true, 0, "ssh://", 0, 6);
    }

    static SshAddress of(TargetSpec target) throws TargetConfigurationException {
        String raw = target.endpoint() != null ? target.endpoint().toString() : target.environment().getOrDefault("DOCKER_HOST", "").strip();
        String setting = target.endpoint() != null ? target.source() : "DOCKER_HOST";
        String shown = Transports.withoutUserInfo(raw);
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw new TargetConfigurationException(setting + "=" + shown + " is not a valid address — write it as ssh://USER@HOST[:PORT]");
        }
        String user = url.getUserInfo();
        if (user != null && user.contains(":")) {
            throw new TargetConfigurationException(setting + "=" + shown + " has a password in its address — remove it: the login uses your ~/.ssh keys");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new TargetConfigurationException(setting + "=" + shown + " has no host name — write it as ssh://USER@HOST[:PORT]");
        }
        String path = url.getPath();
        String socket = path == null || path.isEmpty() || path.equals("/") ? DEFAULT_SOCKET : path;
        return new SshAddress(user == null || user.isEmpty() ? null : user, url.getHost().toLowerCase(Locale.ROOT), Math.max(url.getPort(), 0), socket, setting);
    }

    /** ssh://host[:port] without the user, as messages and the inventory show targets. */
    String describe() {
        return "ssh://" + host + (port > 0 ? ":" + port : "");
    }

    /** How known_hosts names this host: {@code host} on port 22, {@code [host]:port} otherwise. */
    static String knownHostsName(String host, int port) {
        return port == 22 || port <= 0 ? host : "[" + host + "]:" + port;
    }
}
