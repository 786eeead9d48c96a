package io.scanopy.examples.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.testkit.PluginFixtures;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.TestContainer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The distribution as a user has it, with this plugin's archive copied into its plugins/ and
 * nothing else changed: {@code discover} over ssh:// (as --docker-proxy and as DOCKER_HOST), and
 * {@code doctor} explaining, in one line each, a key the server refuses, a host key not in
 * known_hosts or changed, and a port where nothing listens. HOME points at a folder with the
 * test's .ssh (key, known_hosts), as a user's would.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionSshTest {
    private Path unpacked;
    /** The distribution with this plugin's archive copied into plugins/. */
    private Path distribution;
    /** The distribution as shipped. */
    private Path bare;
    private SshServer server;
    private TestContainer web;
    private final List<Path> homes = new ArrayList<>();

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    void unpackAndStart() throws Exception {
        unpacked = Files.createTempDirectory("scanopy-ssh-dist");
        Path tarball = Path.of(System.getProperty("scanopy.test.distribution"));
        assertTrue(Files.isRegularFile(tarball), "distribution missing: " + tarball);
        distribution = unpack(tarball, unpacked.resolve("with-plugin"));
        bare = unpack(tarball, unpacked.resolve("as-shipped"));
        Path built = PluginFixtures.builtFolder("scanopy.example.plugins");
        try (var zips = Files.list(built)) {
            for (Path zip : zips.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).toList()) {
                Files.copy(zip, distribution.resolve("plugins").resolve(zip.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        server = new SshServer();
        web = new TestContainer().withLabel("role", "ssh-dist");
        web.start();
    }

    @AfterAll
    void stop() {
        if (web != null) {
            web.stop();
        }
        if (server != null) {
            server.close();
        }
        homes.forEach(SshServer::deleteTree);
        SshServer.deleteTree(unpacked);
    }

    private static Path unpack(Path tarball, Path dir) throws Exception {
        Files.createDirectories(dir);
        assertEquals(0, exec(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()), Map.of()).code());
        try (var dirs = Files.list(dir)) {
            return dirs.findFirst().orElseThrow();
        }
    }

    private Path home(java.security.KeyPair key, String... knownHosts) throws IOException {
        Path home = SshServer.home(key, knownHosts);
        homes.add(home);
        return home;
    }

    private Path homeWithoutKey(String... knownHosts) throws IOException {
        Path home = SshServer.homeWithoutKey(knownHosts);
        homes.add(home);
        return home;
    }

    private Run daemon(Path home, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(distribution.resolve("bin/scanopy-daemon").toString()));
        command.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HOME", home.toString());
        return exec(command, all);
    }

    private static Run exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("DOCKER_HOST");
        // A developer's own agent must not log the tests in.
        pb.environment().remove("SSH_AUTH_SOCK");
        pb.environment().putAll(env);
        Path errFile = Files.createTempFile("scanopy-ssh-err", ".log");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "timed out: " + command);
        String err = Files.readString(errFile);
        Files.delete(errFile);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
    }

    /** The one line of a run's output that holds the text. */
    private static String lineWith(Run run, String text) {
        List<String> lines = run.all().lines().filter(l -> l.contains(text)).toList();
        assertEquals(1, lines.size(), "one line with '" + text + "' in:\n" + run.all());
        return lines.get(0);
    }

    private static void assertNoSecret(Run run, java.security.KeyPair key) {
        String secret = ((java.security.interfaces.ECPrivateKey) key.getPrivate()).getS().toString(16);
        String file = SshServer.openSshPrivateKey(key);
        assertFalse(run.all().contains(secret), "key material in the output");
        file.lines().skip(1).filter(l -> !l.startsWith("-----")).forEach(l -> assertFalse(run.all().contains(l), "key file content in the output"));
        assertFalse(run.all().contains("root@"), "the user name shown: " + run.all());
        assertFalse(run.all().contains("\tat "), "a stack trace: " + run.all());
    }

    @Test
    void withoutThePluginSshIsOneLineSayingWhatToInstall() throws Exception {
        try (var zips = Files.list(bare.resolve("plugins"))) {
            assertTrue(zips.noneMatch(z -> z.getFileName().toString().startsWith("docker-ssh")), "the distribution as shipped has no ssh plugin");
        }
        List<String> command = List.of(bare.resolve("bin/scanopy-daemon").toString(), "discover", "--docker-proxy", server.url());
        Run run = exec(command, Map.of("HOME", home(server.authorized, server.knownHostsLine()).toString()));
        assertNotEquals(0, run.code());
        String line = lineWith(run, "ssh:// needs the docker-ssh plugin");
        assertTrue(line.contains("copy its zip") && line.contains("plugins/"), line);
    }

    @Test
    void discoverOverSshWithThePluginCopiedIn() throws Exception {
        Path home = home(server.authorized, server.knownHostsLine());
        // Only this run's containers: the engine is shared, and each container elsewhere costs exec probes over SSH.
        String ours = "--filter=label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID;
        Run run = daemon(home, Map.of(), "discover", "--docker-proxy", server.url(), ours, "--output", "json");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains(web.getContainerId()), "the test's container in the inventory: " + run.out());
        assertTrue(run.out().contains("\"docker-ssh\""), run.out());
        assertNoSecret(run, server.authorized);

        Run viaDockerHost = daemon(home, Map.of("DOCKER_HOST", server.url()), "discover", ours, "--output", "json");
        assertEquals(0, viaDockerHost.code(), viaDockerHost.err());
        assertTrue(viaDockerHost.out().contains(web.getContainerId()), viaDockerHost.out());
    }

    @Test
    void discoverWithTheEd25519KeySshKeygenMakes() throws Exception {
        // The home's only key, as `ssh-keygen` (no options) leaves a user with today.
        Path home = homeWithoutKey(server.knownHostsLine());
        server.authorize(SshServer.sshKeygenEd25519(home, "id_ed25519", ""));
        String ours = "--filter=label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID;
        Run run = daemon(home, Map.of("DOCKER_HOST", server.url()), "discover", ours, "--output", "json");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains(web.getContainerId()), "the test's container in the inventory: " + run.out());
        assertFalse(run.all().contains("\tat "), "a stack trace: " + run.all());
    }

    @Test
    void doctorNamesAPassphraseProtectedKeyAndTheAgent() throws Exception {
        Path home = homeWithoutKey(server.knownHostsLine());
        server.authorize(SshServer.sshKeygenEd25519(home, "id_ed25519", "scanopy passphrase"));
        Run run = daemon(home, Map.of(), "doctor", "--docker-proxy", server.url());
        assertNotEquals(0, run.code());
        String line = lineWith(run, "is passphrase-protected");
        assertTrue(line.contains("~/.ssh/id_ed25519 is passphrase-protected, which a daemon cannot type: load it into ssh-agent (ssh-add ~/.ssh/id_ed25519)"), line);
        assertFalse(run.all().contains("scanopy passphrase"), run.all());
        assertFalse(run.all().contains("\tat "), "a stack trace: " + run.all());
    }

    @Test
    void doctorExplainsAKeyTheServerRefuses() throws Exception {
        java.security.KeyPair stranger = SshServer.ecdsaKeyPair();
        Run run = daemon(home(stranger, server.knownHostsLine()), Map.of(), "doctor", "--docker-proxy", server.url());
        assertNotEquals(0, run.code());
        String line = lineWith(run, "was refused for");
        assertTrue(line.contains("the SSH login at 127.0.0.1:" + server.port() + " was refused for ~/.ssh/id_ecdsa"), line);
        assertTrue(line.contains("add the public key (~/.ssh/id_ecdsa.pub) to ~/.ssh/authorized_keys"), line);
        assertNoSecret(run, stranger);
    }

    @Test
    void doctorExplainsAnUnknownHostKey() throws Exception {
        Run run = daemon(home(server.authorized), Map.of(), "doctor", "--docker-proxy", server.url());
        assertNotEquals(0, run.code());
        String line = lineWith(run, "is not in ~/.ssh/known_hosts");
        assertTrue(line.contains("the host key of [127.0.0.1]:" + server.port() + " is not in ~/.ssh/known_hosts"), line);
        assertTrue(line.endsWith("ssh-keyscan -p " + server.port() + " 127.0.0.1 >> ~/.ssh/known_hosts"), line);
    }

    @Test
    void doctorExplainsAChangedHostKey() throws Exception {
        // The right host, another key: what a reinstalled host (or a machine in between) shows.
        String wrong = "[127.0.0.1]:" + server.port() + " " + SshServer.publicKeyLine(SshServer.ecdsaKeyPair());
        Run run = daemon(home(server.authorized, wrong), Map.of(), "doctor", "--docker-proxy", server.url());
        assertNotEquals(0, run.code());
        String line = lineWith(run, "does not match the one in ~/.ssh/known_hosts");
        assertTrue(line.contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "'"), line);
    }

    @Test
    void doctorExplainsARefusedConnection() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        Run run = daemon(home(server.authorized, server.knownHostsLine()), Map.of(), "doctor", "--docker-proxy", "ssh://root@127.0.0.1:" + closed);
        assertNotEquals(0, run.code());
        String line = lineWith(run, "nothing accepts SSH connections at 127.0.0.1:" + closed);
        assertTrue(line.contains("is sshd running on that host"), line);
    }
}
