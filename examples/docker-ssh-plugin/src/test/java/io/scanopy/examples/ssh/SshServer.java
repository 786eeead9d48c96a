package io.scanopy.examples.ssh;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.scanopy.testkit.DebianImages;
import io.scanopy.testkit.EngineUnderTest;
import io.scanopy.testkit.TestContainer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * Debian's OpenSSH server in a container built from Debian packages (no registry), with the
 * engine's Docker socket mounted at /var/run/docker.sock and sshd published on 127.0.0.1 only.
 * root logs in with a key pair made here; the server's host keys are made when it starts.
 */
final class SshServer implements AutoCloseable {
    static final String IMAGE = "scanopy-examples/debian-sshd";
    /** Where the engine's socket is in the container (the engine under test's, mounted). */
    static final String DOCKER_SOCKET = "/var/run/docker.sock";

    final KeyPair authorized = ecdsaKeyPair();
    final TestContainer container;
    /** root's authorized_keys lines: {@link #authorized}, then those {@link #authorize}d. */
    private final List<String> authorizedKeys = new java.util.ArrayList<>(List.of(publicKeyLine(authorized)));

    SshServer() throws IOException {
        String image = DebianImages.software(IMAGE, List.of("openssh-server", "openssh-client", "libwrap0"), List.of("sshd:103:/run/sshd"));
        container = new TestContainer(image)
                .withCopyToContainer(authorizedKeysFile(), "/root/.ssh/authorized_keys")
                // Bound directly: Testcontainers' own file-system binds first probe with a helper image no registry serves here.
                .withCreateContainerCmdModifier(cmd -> {
                    HostConfig hostConfig = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
                    cmd.withHostConfig(hostConfig.withBinds(new Bind(EngineUnderTest.socket().toString(), new Volume(DOCKER_SOCKET))));
                })
                .withCommand("sh", "-c", "mkdir -p /run/sshd /etc/ssh && chmod 700 /root/.ssh && ssh-keygen -q -A"
                        + " && exec /usr/sbin/sshd -D -e -f /dev/null -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no")
                .publishedOnLoopback(22)
                // Host keys are made at start: ready once sshd says it listens.
                .waitingFor(Wait.forLogMessage(".*Server listening on.*\\n", 1));
        container.start();
    }

    /**
     * Lets one more key log in as root (sshd reads authorized_keys at every login).
     *
     * @param publicKeyLine an authorized_keys line, as ssh-keygen's .pub file holds it
     */
    void authorize(String publicKeyLine) {
        authorizedKeys.add(publicKeyLine.strip());
        container.copyFileToContainer(authorizedKeysFile(), "/root/.ssh/authorized_keys");
    }

    private Transferable authorizedKeysFile() {
        return Transferable.of(String.join("\n", authorizedKeys) + "\n", 0600);
    }

    int port() {
        return container.getMappedPort(22);
    }

    /** The ssh:// address of the server, as a user writes it. */
    String url() {
        return "ssh://root@127.0.0.1:" + port();
    }

    /** The server's ECDSA host key as a known_hosts line for 127.0.0.1 on its published port. */
    String knownHostsLine() throws IOException, InterruptedException {
        org.testcontainers.containers.Container.ExecResult key = container.execInContainer("cat", "/etc/ssh/ssh_host_ecdsa_key.pub");
        String[] parts = key.getStdout().strip().split(" ");
        return "[127.0.0.1]:" + port() + " " + parts[0] + " " + parts[1];
    }

    /**
     * A home folder with .ssh/id_ecdsa (the given key) and .ssh/known_hosts (the given lines).
     *
     * @param key the key pair whose private half the user has
     * @param knownHosts known_hosts lines, none for an empty file
     * @return the home folder
     */
    static Path home(KeyPair key, String... knownHosts) throws IOException {
        Path home = homeWithoutKey(knownHosts);
        Path ssh = home.resolve(".ssh");
        Files.writeString(ssh.resolve("id_ecdsa"), openSshPrivateKey(key));
        Files.writeString(ssh.resolve("id_ecdsa.pub"), publicKeyLine(key) + "\n");
        return home;
    }

    /**
     * A home folder with .ssh/known_hosts (the given lines) and no key file.
     *
     * @param knownHosts known_hosts lines, none for an empty file
     * @return the home folder
     */
    static Path homeWithoutKey(String... knownHosts) throws IOException {
        Path home = Files.createTempDirectory("scanopy-ssh-home");
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(ssh.resolve("known_hosts"), knownHosts.length == 0 ? "" : String.join("\n", knownHosts) + "\n");
        return home;
    }

    /**
     * ~/.ssh/NAME of the home as a user gets it: made by this host's ssh-keygen, Ed25519 (its
     * default type), in OpenSSH's own file format.
     *
     * @param home the home folder
     * @param name the key file's name in .ssh
     * @param passphrase the file's passphrase, "" for none
     * @return the public key line (NAME.pub)
     */
    static String sshKeygenEd25519(Path home, String name, String passphrase) throws IOException, InterruptedException {
        Path key = home.resolve(".ssh").resolve(name);
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "scanopy-test", "-f", key.toString())
                .redirectErrorStream(true).start();
        keygen.getOutputStream().close();
        String out = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keygen.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + out);
        }
        return Files.readString(home.resolve(".ssh").resolve(name + ".pub")).strip();
    }

    static KeyPair ecdsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as an authorized_keys line (RFC 5656: name, curve, uncompressed point). */
    static String publicKeyLine(KeyPair key) {
        return "ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(publicKeyBlob(key)) + " scanopy-test";
    }

    private static byte[] publicKeyBlob(KeyPair key) {
        try {
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(blob);
            writeString(out, "ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(out, "nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(out, point(key));
            return blob.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] point(KeyPair key) {
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(unsigned(pub.getW().getAffineX(), 32), 0, point, 1, 32);
        System.arraycopy(unsigned(pub.getW().getAffineY(), 32), 0, point, 33, 32);
        return point;
    }

    /**
     * The private key as ssh-keygen writes it (OpenSSH's PROTOCOL.key format, unencrypted):
     * what a user's ~/.ssh/id_ecdsa holds.
     */
    static String openSshPrivateKey(KeyPair key) {
        try {
            ByteArrayOutputStream secret = new ByteArrayOutputStream();
            DataOutputStream priv = new DataOutputStream(secret);
            priv.writeInt(0x5ca1ab1e);
            priv.writeInt(0x5ca1ab1e);
            writeString(priv, "ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(priv, "nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(priv, point(key));
            writeString(priv, ((java.security.interfaces.ECPrivateKey) key.getPrivate()).getS().toByteArray());
            writeString(priv, "scanopy-test".getBytes(StandardCharsets.US_ASCII));
            for (int pad = 1; secret.size() % 8 != 0; pad++) {
                priv.write(pad);
            }
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(file);
            out.write("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
            writeString(out, "none".getBytes(StandardCharsets.US_ASCII));
            writeString(out, "none".getBytes(StandardCharsets.US_ASCII));
            writeString(out, new byte[0]);
            out.writeInt(1);
            writeString(out, publicKeyBlob(key));
            writeString(out, secret.toByteArray());
            return "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(file.toByteArray())
                    + "\n-----END OPENSSH PRIVATE KEY-----\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length == length) {
            return bytes;
        }
        byte[] fixed = new byte[length];
        if (bytes.length > length) {
            System.arraycopy(bytes, bytes.length - length, fixed, 0, length);
        } else {
            System.arraycopy(bytes, 0, fixed, length - bytes.length, bytes.length);
        }
        return fixed;
    }

    @Override
    public void close() {
        container.stop();
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }

}
