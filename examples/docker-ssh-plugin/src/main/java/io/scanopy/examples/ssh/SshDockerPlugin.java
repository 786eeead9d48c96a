package io.scanopy.examples.ssh;

import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transport;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Docker over SSH, as the Docker CLI reaches {@code DOCKER_HOST=ssh://user@host[:port]}: one SSH
 * session per target, and for every connection the engine makes a channel to the remote
 * Docker socket ({@code direct-streamlocal@openssh.com}, what {@code ssh -L PORT:/var/run/docker.sock}
 * uses; sshd allows it by default). The engine speaks HTTP to Docker over that channel
 * ({@link Transport.Connected}, SPI 1.5).
 */
@Extension
public final class SshDockerPlugin implements DockerAccessPlugin {
    /** Above docker-direct's claim on ssh:// (which only says a plugin is needed). */
    static final int SCORE_SSH = 100;

    @Override
    public String id() {
        return "docker-ssh";
    }

    @Override
    public String description() {
        return "Docker engine on another host over SSH (ssh://user@host[:port], as DOCKER_HOST or --docker-proxy), with ~/.ssh keys and known_hosts";
    }

    @Override
    public int matchScore(TargetSpec target) {
        return SshAddress.isSsh(target) ? SCORE_SSH : NOT_APPLICABLE;
    }

    @Override
    public Transport transport(TargetSpec target) throws TargetConfigurationException {
        SshAddress address = SshAddress.of(target);
        String agent = target.environment().getOrDefault("SSH_AUTH_SOCK", "").strip();
        return new Transport.Connected(address.describe(), SshConnector.of(address, SshFiles.of(target.environment()),
                agent.startsWith("/") ? java.nio.file.Path.of(agent) : null));
    }

    /** Whoever may log in may use the remote socket: that is the remote engine's full API. */
    @Override
    public List<String> privileges(Set<DockerEndpoint> allowed) {
        return List.of("full control of the remote Docker engine: the SSH login reaches its socket, which admits every API call"
                + " (create, start and exec into any container): equivalent to root on that host");
    }
}
