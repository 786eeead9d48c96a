package io.scanopy.plugins.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.TargetConfigurationException;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.TlsFiles;
import io.scanopy.spi.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DOCKER_HOST and friends, read the way the docker CLI reads them. */
class DirectDockerPluginTest {
    private final DirectDockerPlugin plugin = new DirectDockerPlugin();

    private static Map<String, String> env(String dockerHost, String tlsVerify, String certPath) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", "/home/u");
        if (dockerHost != null) {
            env.put("DOCKER_HOST", dockerHost);
        }
        if (tlsVerify != null) {
            env.put("DOCKER_TLS_VERIFY", tlsVerify);
        }
        if (certPath != null) {
            env.put("DOCKER_CERT_PATH", certPath);
        }
        return env;
    }

    @ParameterizedTest(name = "DOCKER_HOST={0} TLS_VERIFY={1} CERT_PATH={2} -> {3}")
    @CsvSource(nullValues = "null", value = {
            "null,                          null, null,       unix:///var/run/docker.sock",
            "'',                            null, null,       unix:///var/run/docker.sock",
            "unix:///run/user/1000/docker.sock, null, null,   unix:///run/user/1000/docker.sock",
            "tcp://10.0.0.5:2375,           null, null,       http://10.0.0.5:2375",
            "tcp://10.0.0.5,                null, null,       http://10.0.0.5:2375",
            "tcp://docker.example:2376,     1,    /certs,     https://docker.example:2376",
            "tcp://docker.example,          1,    null,       https://docker.example:2376",
    })
    void transportFromTheEnvironment(String dockerHost, String tlsVerify, String certPath, String expected) throws Exception {
        Transport transport = plugin.transport(TargetSpec.local(env(dockerHost, tlsVerify, certPath)));
        assertEquals(expected, transport.describe());
        if (transport instanceof Transport.Tcp tcp && tcp.tls() != null) {
            Path dir = certPath == null ? Path.of("/home/u/.docker") : Path.of(certPath);
            assertEquals(new TlsFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"), "DOCKER_CERT_PATH=" + dir), tcp.tls());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "ssh://user@host,          ssh:// needs the docker-ssh plugin",
            "npipe:////./pipe/docker,  unsupported scheme",
            "unix://,                  names no socket path",
            "tcp://:2375,              has no host name",
    })
    void unusableDockerHostIsExplained(String dockerHost, String message) {
        TargetConfigurationException e = assertThrows(TargetConfigurationException.class, () -> plugin.transport(TargetSpec.local(env(dockerHost, null, null))));
        // Shown without any user information (ssh://user@host becomes ssh://…@host): it may hold a password.
        assertTrue(e.getMessage().startsWith("DOCKER_HOST=" + io.scanopy.spi.Transports.withoutUserInfo(dockerHost)), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tcp://admin7:Pa55Wd9x@docker.example:2375",
            "tcp://admin7:Pa55/Wd9x@docker.example:2375",
            "tcp://admin7:Pa55@Wd9x@docker.example:2375",
            "tcp://admin7:Pa55 Wd9x@docker.example:2375",
    })
    void aPasswordInDockerHostIsRefusedAndNeverShown(String dockerHost) {
        TargetConfigurationException e = assertThrows(TargetConfigurationException.class, () -> plugin.transport(TargetSpec.local(env(dockerHost, null, null))));
        assertTrue(e.getMessage().contains("tcp://…@docker.example:2375"), e.getMessage());
        assertTrue(!e.getMessage().contains("admin7") && !e.getMessage().contains("Pa55") && !e.getMessage().contains("Wd9x"), e.getMessage());
    }

    @Test
    void theSocketIsSaidToBeRootOnTheHostWhatever() {
        java.util.List<String> grants = plugin.privileges(java.util.EnumSet.of(io.scanopy.spi.DockerEndpoint.LIST_CONTAINERS));
        assertTrue(grants.get(0).contains("equivalent to root on the host"), grants.toString());
        assertTrue(grants.stream().anyMatch(g -> g.contains("':ro'") && g.contains("does not restrict the API")), grants.toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
            "null,                    100",
            "unix:///x.sock,          100",
            "tcp://h:2375,            100",
            "http://proxy:2375,       10",
            "https://proxy:2376,      10",
            "ssh://u@h,               1",
            "ftp://nope,              0",
    })
    void servesLocalAndDockerUrlsStronglyProxiesWeaklyAndSshOnlyToExplain(String endpoint, int score) {
        TargetSpec target = new TargetSpec(endpoint == null ? null : URI.create(endpoint), null, null, Map.of());
        assertEquals(score, plugin.matchScore(target));
    }

    @org.junit.jupiter.api.Test
    void sshInDockerHostIsLeftToAnSshPluginAndExplainedWithoutOne() {
        TargetSpec local = TargetSpec.local(env("ssh://ops@docker.example", null, null));
        assertEquals(DirectDockerPlugin.SCORE_SSH_UNSERVED, plugin.matchScore(local));
        TargetSpec explicit = new TargetSpec(URI.create("ssh://ops@docker.example:2222"), null, null, Map.of());
        TargetConfigurationException e = assertThrows(TargetConfigurationException.class, () -> plugin.transport(explicit));
        assertEquals("--docker-proxy=ssh://…@docker.example:2222: " + DirectDockerPlugin.SSH_NEEDS_PLUGIN, e.getMessage());
    }
}
