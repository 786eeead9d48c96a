package io.scanopy.examples.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The one SSH client of the plugin, shared by every target. What differs between targets (whose
 * ~/.ssh) travels with each session as an attribute, so host keys and default keys are looked
 * up in the right folder; the verifier records why it refused a host key, for the message.
 */
final class SshClients {
    /** The ~/.ssh folder of the target a session belongs to. */
    static final AttributeKey<SshFiles> FILES = new AttributeKey<>();
    /** The ssh-agent socket of the target's environment (SSH_AUTH_SOCK). */
    static final AttributeKey<Path> AGENT = new AttributeKey<>();
    /** What one login attempt found, for its message (the session may be gone when it is read). */
    static final AttributeKey<Attempt> ATTEMPT = new AttributeKey<>();

    enum HostKeyProblem { UNKNOWN, CHANGED }

    /** Filled in while a session logs in: why the host key was refused, which default keys were offered, encrypted or unusable. */
    static final class Attempt {
        volatile HostKeyProblem hostKey;
        final List<Path> offered = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Passphrase-protected: MINA asked for a passphrase, which a daemon has no one to type. */
        final List<Path> encrypted = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Path> unreadable = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    private static SshClient client;

    private SshClients() {
    }

    static synchronized SshClient client() {
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            c.setServerKeyVerifier(new KnownHostsOfSession());
            c.setKeyIdentityProvider(SshClients::defaultKeys);
            c.setAgentFactory(new UnixSocketAgent.Factory());
            // The target's own ~/.ssh/config is read per connection (SshConnector), not the JVM user's.
            c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            // Keys only: a daemon has no one to type a password or a passphrase.
            c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            c.setFilePasswordProvider(FilePasswordProvider.EMPTY);
            // The event stream may be silent for hours: no idle limit, a keep-alive instead.
            CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ZERO);
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, Duration.ofSeconds(30));
            c.start();
            client = c;
        }
        return client;
    }

    /** ~/.ssh/id_* that exist and load without a passphrase; the rest are noted (encrypted or not a usable key), never their content. */
    private static Iterable<KeyPair> defaultKeys(SessionContext session) {
        SshFiles files = attribute(session, FILES);
        List<KeyPair> keys = new ArrayList<>();
        List<Path> offered = new ArrayList<>();
        List<Path> encrypted = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        if (files != null) {
            for (Path file : files.defaultKeys()) {
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                // MINA asks for a passphrase only for an encrypted file: that asking is how it is told apart.
                boolean[] askedPassphrase = {false};
                FilePasswordProvider none = (context, resource, retry) -> {
                    askedPassphrase[0] = true;
                    return null;
                };
                try (InputStream in = Files.newInputStream(file)) {
                    Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(session, NamedResource.ofName(file.getFileName().toString()), in, none);
                    if (loaded != null) {
                        loaded.forEach(keys::add);
                        offered.add(file);
                    }
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    // Say which file and whether it was the passphrase, never more of the file.
                    (askedPassphrase[0] ? encrypted : unreadable).add(file);
                }
            }
        }
        Attempt attempt = attribute(session, ATTEMPT);
        if (attempt != null) {
            attempt.offered.addAll(offered);
            attempt.encrypted.addAll(encrypted);
            attempt.unreadable.addAll(unreadable);
        }
        return keys;
    }

    /** known_hosts of the session's ~/.ssh: unknown and changed keys are refused, and which it was is kept. */
    private static final class KnownHostsOfSession implements ServerKeyVerifier {
        private final Map<Path, KnownHostsServerKeyVerifier> byFile = new ConcurrentHashMap<>();

        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
            SshFiles files = attribute(session, FILES);
            if (files == null) {
                return false;
            }
            return byFile.computeIfAbsent(files.knownHosts(), Recording::new).verifyServerKey(session, remote, key);
        }
    }

    static Path agentSocket(org.apache.sshd.common.session.Session session) {
        return attribute(session, AGENT);
    }

    /** An attribute of the session's connect call (the target's ~/.ssh, its attempt). */
    private static <T> T attribute(SessionContext session, AttributeKey<T> key) {
        T own = session.getAttribute(key);
        if (own == null && session instanceof ClientSession client && client.getConnectionContext() != null) {
            return client.getConnectionContext().getAttribute(key);
        }
        return own;
    }

    private static void record(ClientSession session, HostKeyProblem problem) {
        Attempt attempt = attribute(session, ATTEMPT);
        if (attempt != null) {
            attempt.hostKey = problem;
        }
    }

    /** MINA's known_hosts check, never accepting or writing a key, noting why it refused. */
    private static final class Recording extends KnownHostsServerKeyVerifier {
        Recording(Path file) {
            super(RejectAllServerKeyVerifier.INSTANCE, file);
        }

        @Override
        protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
            record(session, HostKeyProblem.UNKNOWN);
            return false;
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected, PublicKey actual) {
            record(session, HostKeyProblem.CHANGED);
            return false;
        }
    }
}
