package io.scanopy.examples.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The user's ssh-agent at {@code SSH_AUTH_SOCK}, spoken to over Java's own unix-domain sockets
 * (MINA SSHD's agent client needs Apache Tomcat's native library for them). The agent holds the
 * keys and signs; no key material ever passes through the plugin. Without a socket it is an
 * agent with no keys.
 */
final class UnixSocketAgent extends AbstractAgentProxy {
    /** Most bytes of one agent answer accepted: a few keys are a few KB. */
    private static final int MAX_ANSWER = 256 * 1024;
    private static final byte SSH_AGENT_IDENTITIES_ANSWER = 12;

    private final Path socket;

    private UnixSocketAgent(Path socket) {
        super(null);
        this.socket = socket;
    }

    @Override
    public boolean isOpen() {
        // Each request opens its own connection: there is nothing to be closed.
        return true;
    }

    /** One request, one answer, on a connection of its own (the agent protocol is that simple). */
    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        if (socket == null) {
            // No agent: it holds no keys (the only request made without keys is the list of them).
            ByteArrayBuffer none = new ByteArrayBuffer();
            none.putByte(SSH_AGENT_IDENTITIES_ANSWER);
            none.putUInt(0);
            return none;
        }
        try (SocketChannel agent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            agent.connect(UnixDomainSocketAddress.of(socket));
            agent.write(ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
            ByteBuffer length = readFully(agent, ByteBuffer.allocate(4));
            int size = length.getInt(0);
            if (size < 0 || size > MAX_ANSWER) {
                throw new IOException("the SSH agent at SSH_AUTH_SOCK answered " + size + " bytes");
            }
            return new ByteArrayBuffer(readFully(agent, ByteBuffer.allocate(size)).array());
        }
    }

    private static ByteBuffer readFully(SocketChannel channel, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new IOException("the SSH agent at SSH_AUTH_SOCK closed the connection");
            }
        }
        return into;
    }

    /** Gives each session the agent of its target's environment (SSH_AUTH_SOCK), read from the connect call. */
    static final class Factory implements SshAgentFactory {
        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            // No agent forwarding to the Docker host.
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) {
            return new UnixSocketAgent(SshClients.agentSocket(session));
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            return null;
        }
    }
}
