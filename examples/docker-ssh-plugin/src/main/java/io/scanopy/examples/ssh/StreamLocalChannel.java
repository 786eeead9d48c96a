package io.scanopy.examples.ssh;

import java.io.IOException;
import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A channel to a unix socket on the SSH server ({@code direct-streamlocal@openssh.com}, OpenSSH's
 * PROTOCOL section 2.4, what {@code ssh -L PORT:/var/run/docker.sock} opens). MINA SSHD has the
 * TCP form ({@code ChannelDirectTcpip}); this is the same with the socket path in its open request.
 */
final class StreamLocalChannel extends AsyncCapableClientChannel {
    static final String TYPE = "direct-streamlocal@openssh.com";

    private final String socket;

    StreamLocalChannel(String socket) {
        super(TYPE, false);
        this.socket = socket;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        if (closeFuture.isClosed()) {
            throw new SshException("Session has been closed");
        }
        openFuture = new DefaultOpenFuture(socket, futureLock);
        Session session = getSession();
        LocalWindow window = getLocalWindow();
        String type = getChannelType();
        Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, type.length() + socket.length() + 64);
        buffer.putString(type);
        buffer.putUInt(getChannelId());
        buffer.putUInt(window.getSize());
        buffer.putUInt(window.getPacketSize());
        buffer.putString(socket);
        // Reserved: an empty string and a zero uint32.
        buffer.putString("");
        buffer.putUInt(0);
        writePacket(buffer);
        return openFuture;
    }

    /**
     * The socket's end of data (Docker half-closes after an exec's output; sshd passes that on as
     * EOF) ends what the engine reads, as a socket's would, rather than waiting for the channel
     * to close: MINA SSHD's piped stream ends only on close.
     */
    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        if (out != null) {
            out.close();
        }
    }
}
