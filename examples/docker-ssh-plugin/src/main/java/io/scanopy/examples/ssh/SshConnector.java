package io.scanopy.examples.ssh;

import io.scanopy.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;

/**
 * Opens channels to the remote Docker socket over one SSH session per target, logging in again
 * when the session has ended. Every failure is one line that names what to fix; no key material,
 * passphrase or user name is ever put in one.
 */
final class SshConnector implements Transport.Connector {
    private final SshAddress address;
    private final SshFiles files;
    /** The ssh-agent's socket, or null for none. */
    private final Path agent;
    private ClientSession session;

    /** One connector, so one SSH session, per target: the daemon asks for a transport again on every reconnect. */
    private static final Map<List<Object>, SshConnector> BY_TARGET = new java.util.concurrent.ConcurrentHashMap<>();

    private SshConnector(SshAddress address, SshFiles files, Path agent) {
        this.address = address;
        this.files = files;
        this.agent = agent;
    }

    /**
     * @param address where to log in
     * @param files the ~/.ssh folder
     * @param agent the ssh-agent socket, or null
     * @return the connector of that target, made once
     */
    static SshConnector of(SshAddress address, SshFiles files, Path agent) {
        // Before MINA's first key or signature (it settles its providers then), and off the engine's
        // connect clock: building Bouncy Castle's provider takes a second or more the first time.
        PluginBouncyCastle.register();
        return BY_TARGET.computeIfAbsent(java.util.Arrays.asList(address, files, agent), k -> new SshConnector(address, files, agent));
    }

    @Override
    public Transport.ByteStream open(Duration timeout) throws IOException {
        // MINA SSHD loads some of its classes through the thread's context class loader: make it
        // this plugin's, or it could pick up another copy of the library from the engine's class path.
        Thread thread = Thread.currentThread();
        ClassLoader engines = thread.getContextClassLoader();
        thread.setContextClassLoader(SshConnector.class.getClassLoader());
        try {
            return openChannel(timeout);
        } finally {
            thread.setContextClassLoader(engines);
        }
    }

    private Transport.ByteStream openChannel(Duration timeout) throws IOException {
        ClientSession s = session(timeout);
        StreamLocalChannel channel = new StreamLocalChannel(address.socket());
        s.getService(ConnectionService.class).registerChannel(channel);
        try {
            channel.open().verify(timeout);
        } catch (IOException e) {
            channel.close(true);
            String reason = e instanceof SshChannelOpenException open ? open.getMessage() : rootMessage(e);
            throw new Transport.ConnectFailure("sshd did not connect to the Docker socket " + address.socket() + " there (" + reason
                    + ") — check that Docker runs on that host, that the SSH user may use its socket (the docker group),"
                    + " and that sshd allows it (AllowStreamLocalForwarding yes, the default)", null);
        }
        return new ChannelStream(channel);
    }

    private synchronized ClientSession session(Duration timeout) throws IOException {
        if (session != null && session.isOpen() && session.isAuthenticated()) {
            return session;
        }
        if (session != null) {
            session.close(true);
            session = null;
        }
        HostConfigEntry entry = resolve();
        String where = entry.getHostName() + ":" + entry.getPort();
        SshClients.Attempt attempt = new SshClients.Attempt();
        Map<AttributeRepository.AttributeKey<?>, Object> context = new java.util.HashMap<>(Map.of(SshClients.FILES, files, SshClients.ATTEMPT, attempt));
        if (agent != null) {
            context.put(SshClients.AGENT, agent);
        }
        ClientSession s = null;
        try {
            s = SshClients.client().connect(entry, AttributeRepository.ofAttributesMap(context), null).verify(timeout).getSession();
            s.auth().verify(timeout);
        } catch (IOException e) {
            if (s != null) {
                s.close(true);
            }
            if (attempt.hostKey != null) {
                throw hostKeyFailure(attempt.hostKey, entry);
            }
            if (isLoginRefused(e)) {
                throw loginFailure(attempt, entry, where);
            }
            throw connectFailure(e, entry, where, timeout);
        }
        session = s;
        return s;
    }

    /** The effective host: a Host alias of the target's ~/.ssh/config applied (HostName, Port, User, IdentityFile). */
    private HostConfigEntry resolve() throws IOException {
        Path config = files.config();
        HostConfigEntryResolver resolver = Files.isRegularFile(config) ? new ConfigFileHostEntryResolver(config) : HostConfigEntryResolver.EMPTY;
        HostConfigEntry entry = resolver.resolveEffectiveHost(address.host(), address.port(), null, address.user(), null, null);
        if (entry == null) {
            entry = new HostConfigEntry("", address.host(), address.port() > 0 ? address.port() : 22,
                    address.user() != null ? address.user() : System.getProperty("user.name"));
        }
        return entry;
    }

    private Transport.ConnectFailure connectFailure(IOException e, HostConfigEntry entry, String where, Duration timeout) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new Transport.ConnectFailure("nothing accepts SSH connections at " + where + " (" + t.getMessage()
                        + ") — is sshd running on that host, and is the port right (ssh://USER@HOST:PORT, or Port in ~/.ssh/config)?", null);
            }
            if (t instanceof UnknownHostException) {
                return new Transport.ConnectFailure("host " + entry.getHostName() + " not found — check the name in the ssh:// address (or its HostName in ~/.ssh/config)", null);
            }
            if (t instanceof SocketTimeoutException) {
                break;
            }
        }
        String message = rootMessage(e);
        if (message.toLowerCase(java.util.Locale.ROOT).contains("timeout") || message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
            return new Transport.ConnectFailure("no SSH answer from " + where + " within " + timeout.toSeconds() + " s — check the address and any firewall between here and that host", null);
        }
        return new Transport.ConnectFailure("the SSH connection to " + where + " failed: " + message, null);
    }

    private Transport.ConnectFailure hostKeyFailure(SshClients.HostKeyProblem problem, HostConfigEntry entry) {
        String name = SshAddress.knownHostsName(entry.getHostName(), entry.getPort());
        String keyscan = "ssh-keyscan " + (entry.getPort() == 22 ? "" : "-p " + entry.getPort() + " ") + entry.getHostName() + " >> ~/.ssh/known_hosts";
        String knownHosts = files.shown(files.knownHosts());
        return switch (problem) {
            case UNKNOWN -> new Transport.ConnectFailure("the host key of " + name + " is not in " + knownHosts
                    + " — check that it is the right host, then add its key: " + keyscan, null);
            case CHANGED -> new Transport.ConnectFailure("the host key of " + name + " does not match the one in " + knownHosts
                    + " (the host was reinstalled, or something is in between) — if the change is expected: ssh-keygen -R '" + name + "' && " + keyscan, null);
        };
    }

    /** MINA's words when every key was tried and refused. */
    private static boolean isLoginRefused(IOException e) {
        String message = rootMessage(e).toLowerCase(java.util.Locale.ROOT);
        return message.contains("no more authentication methods") || message.contains("authentication failed");
    }

    private Transport.ConnectFailure loginFailure(SshClients.Attempt attempt, HostConfigEntry entry, String where) {
        List<Path> offered = List.copyOf(attempt.offered);
        List<Path> encrypted = List.copyOf(attempt.encrypted);
        List<Path> unreadable = List.copyOf(attempt.unreadable);
        String configured = entry.getIdentities() == null || entry.getIdentities().isEmpty() ? "" : " and IdentityFile " + String.join(", ", entry.getIdentities());
        String tried = (offered.isEmpty() ? "no key" : offered.stream().map(files::shown).collect(Collectors.joining(", ")))
                + (agent != null ? " and the SSH agent's keys (SSH_AUTH_SOCK)" : "");
        String locked = encrypted.isEmpty() ? "" : "; " + shown(encrypted) + " is passphrase-protected, which a daemon cannot type:"
                + " load it into ssh-agent (ssh-add " + shown(encrypted) + ") and give the daemon SSH_AUTH_SOCK";
        String skipped = unreadable.isEmpty() ? "" : "; " + shown(unreadable) + " could not be read as a private key";
        return new Transport.ConnectFailure("the SSH login at " + where + " was refused for " + tried + configured + locked + skipped
                + " — add the public key (" + (offered.isEmpty() ? "ssh-keygen makes ~/.ssh/id_ed25519" : files.shown(offered.get(0)) + ".pub")
                + ") to ~/.ssh/authorized_keys of the SSH user on that host", null);
    }

    private String shown(List<Path> keys) {
        return keys.stream().map(files::shown).collect(Collectors.joining(" "));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** A channel as the engine's byte stream: what the remote socket sends, and what goes to it. */
    private record ChannelStream(ClientChannel channel) implements Transport.ByteStream {
        @Override
        public InputStream input() {
            return channel.getInvertedOut();
        }

        @Override
        public OutputStream output() {
            return channel.getInvertedIn();
        }

        @Override
        public void close() {
            channel.close(true);
        }
    }
}
