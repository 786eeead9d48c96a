package io.scanopy.plugins.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scanopy.spi.TargetSpec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which local socket the default target uses when DOCKER_HOST is unset: Docker's first, then
 * rootful Podman's, then the user's rootless Podman's. The sockets are real listening unix
 * sockets under a temporary directory that stands for "/".
 */
class LocalSocketTest {
    private static final String USER_RUNTIME_DIR = "/run/user/1000";

    @TempDir
    Path root;

    private final List<ServerSocketChannel> listening = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (ServerSocketChannel channel : listening) {
            channel.close();
        }
    }

    private void listenOn(String absolutePath) throws IOException {
        Path socket = root.resolve(absolutePath.substring(1));
        Files.createDirectories(socket.getParent());
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        listening.add(channel);
    }

    private String chosen(Map<String, String> environment) throws Exception {
        return new DirectDockerPlugin(root).transport(TargetSpec.local(environment)).describe();
    }

    private String under(String absolutePath) {
        return "unix://" + root.resolve(absolutePath.substring(1));
    }

    private static Map<String, String> userSession() {
        Map<String, String> env = new HashMap<>();
        env.put("XDG_RUNTIME_DIR", USER_RUNTIME_DIR);
        return env;
    }

    @Test
    void dockersSocketWhenNoneExists() throws Exception {
        assertEquals(under("/var/run/docker.sock"), chosen(userSession()));
    }

    @Test
    void dockersSocketBeforePodmans() throws Exception {
        listenOn("/var/run/docker.sock");
        listenOn("/run/podman/podman.sock");
        listenOn(USER_RUNTIME_DIR + "/podman/podman.sock");
        assertEquals(under("/var/run/docker.sock"), chosen(userSession()));
    }

    @Test
    void rootfulPodmanWithoutDocker() throws Exception {
        listenOn("/run/podman/podman.sock");
        listenOn(USER_RUNTIME_DIR + "/podman/podman.sock");
        assertEquals(under("/run/podman/podman.sock"), chosen(userSession()));
    }

    @Test
    void rootlessPodmanUnderTheUsersRuntimeDir() throws Exception {
        listenOn(USER_RUNTIME_DIR + "/podman/podman.sock");
        assertEquals(under(USER_RUNTIME_DIR + "/podman/podman.sock"), chosen(userSession()));
    }

    @Test
    void noRuntimeDirNoRootlessCandidate() throws Exception {
        listenOn(USER_RUNTIME_DIR + "/podman/podman.sock");
        assertEquals(under("/var/run/docker.sock"), chosen(Map.of()));
        assertEquals(under("/var/run/docker.sock"), chosen(Map.of("XDG_RUNTIME_DIR", "relative/dir")));
    }

    @Test
    void dockerHostWinsOverAnyLocalSocket() throws Exception {
        listenOn("/var/run/docker.sock");
        listenOn("/run/podman/podman.sock");
        Map<String, String> env = userSession();
        env.put("DOCKER_HOST", "unix:///srv/engine.sock");
        assertEquals("unix:///srv/engine.sock", chosen(env));
    }
}
