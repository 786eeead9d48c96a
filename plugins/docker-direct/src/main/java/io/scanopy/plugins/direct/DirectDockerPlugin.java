package io.scanopy.plugins.direct;

import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.TlsFiles;
import io.scanopy.spi.Transport;
import io.scanopy.spi.Transports;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Reaches the Docker engine directly: the local socket by default, or wherever
 * {@code DOCKER_HOST} points, read the way the docker CLI reads it. The local socket is Docker's
 * when it exists, else Podman's (rootful, then the user's rootless one): Podman serves the same
 * API there and sets no {@code DOCKER_HOST} by itself. Also serves an explicit
 * {@code unix://} or {@code tcp://} endpoint, and, weakly, any {@code http(s)://} Docker API
 * endpoint when no proxy plugin claims it (a generic proxy).
 */
@Extension
public final class DirectDockerPlugin implements DockerAccessPlugin {
    /** The socket used when neither the user nor {@code DOCKER_HOST} says otherwise, and when no local socket exists. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
    /** Rootful Podman's Docker-compatible socket ({@code podman system service}, {@code podman.socket}). */
    public static final Path PODMAN_SOCKET = Path.of("/run/podman/podman.sock");
    /** Rootless Podman's socket, under the user's {@code XDG_RUNTIME_DIR}. */
    static final String PODMAN_USER_SOCKET = "podman/podman.sock";

    static final int SCORE_DIRECT = 100;
    static final int SCORE_GENERIC_HTTP = 10;
    /**
     * ssh:// is served by a plugin of its own (the docker-ssh example): this one takes it only
     * when no such plugin is loaded, to say so.
     */
    static final int SCORE_SSH_UNSERVED = 1;
    /** The message for ssh:// when no plugin serves it. */
    static final String SSH_NEEDS_PLUGIN = "ssh:// needs the docker-ssh plugin — copy its zip (docker-ssh-plugin-VERSION-plugin.zip) into the plugins/ folder";

    /** Where the absolute socket paths are looked up: "/" except in tests. */
    private final Path root;

    /** The plugin as loaded: sockets looked up on this machine's file system. */
    public DirectDockerPlugin() {
        this(Path.of("/"));
    }

    /**
     * @param root the directory the socket paths are resolved against (a test's temporary directory)
     */
    DirectDockerPlugin(Path root) {
        this.root = root;
    }

    @Override
    public String id() {
        return "docker-direct";
    }

    @Override
    public String description() {
        return "Docker engine through its socket (/var/run/docker.sock, else Podman's /run/podman/podman.sock or $XDG_RUNTIME_DIR/podman/podman.sock) or DOCKER_HOST";
    }

    @Override
    public int matchScore(TargetSpec target) {
        return switch (target.scheme().orElse("")) {
            case "" -> target.environment().getOrDefault("DOCKER_HOST", "").strip().regionMatches(true, 0, "ssh://", 0, 6) ? SCORE_SSH_UNSERVED : SCORE_DIRECT;
            case "unix", "tcp" -> SCORE_DIRECT;
            case "ssh" -> SCORE_SSH_UNSERVED;
            case "http", "https" -> SCORE_GENERIC_HTTP;
            default -> NOT_APPLICABLE;
        };
    }

    @Override
    public Transport transport(TargetSpec target) throws TargetConfigurationException {
        if (target.endpoint() != null) {
            if (target.scheme().orElse("").equals("ssh")) {
                throw new TargetConfigurationException(target.source() + "=" + Transports.withoutUserInfo(target.endpoint()) + ": " + SSH_NEEDS_PLUGIN);
            }
            return target.scheme().filter(s -> s.equals("http") || s.equals("https")).isPresent()
                    ? Transports.forHttpUrl(target, target.source())
                    : fromDockerHost(target.endpoint().toString(), target.source(), target);
        }
        String dockerHost = target.environment().getOrDefault("DOCKER_HOST", "").strip();
        if (dockerHost.isEmpty()) {
            return new Transport.UnixSocket(localSocket(target.environment()));
        }
        return fromDockerHost(dockerHost, "DOCKER_HOST", target);
    }

    /**
     * The local engine's socket: the first of Docker's, rootful Podman's and the user's rootless
     * Podman's that exists; Docker's when none does (its "not found" message is the one to show).
     */
    private Path localSocket(Map<String, String> environment) {
        List<Path> candidates = new ArrayList<>(List.of(DEFAULT_SOCKET, PODMAN_SOCKET));
        String runtimeDir = environment.getOrDefault("XDG_RUNTIME_DIR", "").strip();
        if (runtimeDir.startsWith("/")) {
            candidates.add(Path.of(runtimeDir).resolve(PODMAN_USER_SOCKET));
        }
        for (Path candidate : candidates) {
            Path onDisk = onThisMachine(candidate);
            if (Files.exists(onDisk)) {
                return onDisk;
            }
        }
        return onThisMachine(DEFAULT_SOCKET);
    }

    private Path onThisMachine(Path absolute) {
        return root.resolve(absolute.getRoot().relativize(absolute));
    }

    /**
     * The engine's own API admits everything whoever reaches it asks, whatever the daemon uses:
     * the socket (or DOCKER_HOST) is full control of the engine. A generic http(s) proxy may be
     * narrower, but this plugin cannot tell what it admits, so it does not claim less.
     */
    @Override
    public List<String> privileges(Set<DockerEndpoint> allowed) {
        return List.of(
                "full control of the Docker engine: whoever reaches the socket (or DOCKER_HOST) can create, start and exec into any container,"
                        + " including a privileged one with the host's / mounted: equivalent to root on the host"
                        + " (through a generic http(s) proxy: whatever that proxy admits, which the daemon cannot tell)",
                "':ro' on the socket mount does not restrict the API: connecting to a socket is not writing to a file,"
                        + " so every API call, POST included, still goes through");
    }

    private static Transport fromDockerHost(String raw, String setting, TargetSpec target) throws TargetConfigurationException {
        // Messages show the address without user information: it may hold a password.
        String value = Transports.withoutUserInfo(raw);
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            if (value.strip().equals("unix://")) {
                throw new TargetConfigurationException(setting + "=" + value + " names no socket path — write it as unix:///var/run/docker.sock");
            }
            throw new TargetConfigurationException(setting + "=" + value + " is not a valid address — use unix:///path/to/docker.sock or tcp://HOST:PORT");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "unix": {
                String path = url.getPath();
                if (path == null || path.isEmpty()) {
                    throw new TargetConfigurationException(setting + "=" + value + " names no socket path — write it as unix:///var/run/docker.sock");
                }
                return new Transport.UnixSocket(Path.of(path));
            }
            case "tcp": {
                if (raw.contains("@")) {
                    throw new TargetConfigurationException(setting + " has a user name or password in its address (" + value
                            + "): the Docker engine takes none — remove it; for TLS set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH");
                }
                String host = Transports.requireHost(url, setting);
                TlsFiles tls = dockerCliTls(target);
                int port = url.getPort() > 0 ? url.getPort()
                        : (tls != null ? Transports.DEFAULT_TLS_PORT : Transports.DEFAULT_PLAIN_PORT);
                return new Transport.Tcp(host, port, tls);
            }
            case "ssh":
                throw new TargetConfigurationException(setting + "=" + value + ": " + SSH_NEEDS_PLUGIN);
            default:
                throw new TargetConfigurationException(setting + "=" + value + " has an unsupported scheme — use unix:///path/to/docker.sock or tcp://HOST:PORT");
        }
    }

    /**
     * TLS as the docker CLI sets it up: {@code DOCKER_TLS_VERIFY} (any non-empty value) turns on
     * verified TLS with {@code ca.pem}, {@code cert.pem} and {@code key.pem} from
     * {@code DOCKER_CERT_PATH} (default {@code ~/.docker}). The CLI's unverified
     * {@code DOCKER_TLS} mode is refused: the daemon never trusts an unverified server.
     */
    private static TlsFiles dockerCliTls(TargetSpec target) throws TargetConfigurationException {
        var env = target.environment();
        boolean verify = !env.getOrDefault("DOCKER_TLS_VERIFY", "").isEmpty();
        boolean tlsOnly = !env.getOrDefault("DOCKER_TLS", "").isEmpty();
        if (!verify) {
            if (tlsOnly) {
                throw new TargetConfigurationException("DOCKER_TLS is set without DOCKER_TLS_VERIFY: the daemon does not connect to an unverified TLS server — set DOCKER_TLS_VERIFY=1 and put ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH");
            }
            return null;
        }
        String certPath = env.getOrDefault("DOCKER_CERT_PATH", "");
        Path dir = certPath.isEmpty() ? Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker") : Path.of(certPath);
        String origin = "DOCKER_CERT_PATH=" + dir;
        return new TlsFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"), origin);
    }
}
