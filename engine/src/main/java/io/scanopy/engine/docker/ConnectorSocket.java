package io.scanopy.engine.docker;

import io.scanopy.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;

/**
 * A plugin's byte stream ({@link Transport.Connected}) dressed as the socket httpclient5 asks
 * for, as docker-java's UnixSocket dresses a unix socket: connecting opens the stream, closing
 * closes it, socket options are accepted and have no effect (the request deadlines of
 * {@link BoundedHttpClient} close the socket instead of a read timeout). httpclient5 binds the
 * socket before it connects it, so the streams it takes then are handed over once it is open.
 */
final class ConnectorSocket extends Socket {
    private static final InetSocketAddress NOWHERE = InetSocketAddress.createUnresolved("localhost", 0);

    private final Transport.Connector connector;
    private volatile Transport.ByteStream stream;
    private volatile boolean closed;
    private int soTimeout;

    ConnectorSocket(Transport.Connector connector) throws SocketException {
        super((java.net.SocketImpl) null);
        this.connector = connector;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        Transport.ByteStream opened = connector.open(timeout > 0 ? Duration.ofMillis(timeout) : DockerConnection.DEFAULT_TIMEOUT);
        synchronized (this) {
            if (closed) {
                opened.close();
                throw new SocketException("Socket is closed");
            }
            stream = opened;
        }
    }

    private Transport.ByteStream open() throws IOException {
        Transport.ByteStream s = stream;
        if (s == null) {
            throw new SocketException(closed ? "Socket is closed" : "Socket is not connected");
        }
        return s;
    }

    @Override
    public InputStream getInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return open().input().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return open().input().read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return open().input().available();
            }

            @Override
            public void close() throws IOException {
                ConnectorSocket.this.close();
            }
        };
    }

    @Override
    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                open().output().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                open().output().write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                open().output().flush();
            }

            @Override
            public void close() throws IOException {
                ConnectorSocket.this.close();
            }
        };
    }

    @Override
    public void close() throws IOException {
        Transport.ByteStream s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = stream;
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public boolean isConnected() {
        return stream != null;
    }

    @Override
    public boolean isBound() {
        return stream != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return closed;
    }

    @Override
    public boolean isOutputShutdown() {
        return closed;
    }

    @Override
    public void shutdownInput() {
        // A stream has no half-close the engine needs.
    }

    @Override
    public void shutdownOutput() {
        // As above.
    }

    @Override
    public void bind(SocketAddress bindpoint) {
        // Nothing local to bind.
    }

    @Override
    public synchronized void setSoTimeout(int timeout) {
        soTimeout = timeout;
    }

    @Override
    public synchronized int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public boolean getTcpNoDelay() {
        return true;
    }

    @Override
    public void setKeepAlive(boolean on) {
    }

    @Override
    public boolean getKeepAlive() {
        return false;
    }

    @Override
    public void setReuseAddress(boolean on) {
    }

    @Override
    public boolean getReuseAddress() {
        return false;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
    }

    @Override
    public int getSoLinger() {
        return -1;
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public int getReceiveBufferSize() {
        return 64 * 1024;
    }

    @Override
    public void setSendBufferSize(int size) {
    }

    @Override
    public int getSendBufferSize() {
        return 64 * 1024;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return NOWHERE;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return NOWHERE;
    }

    @Override
    public java.net.InetAddress getInetAddress() {
        return null;
    }

    @Override
    public java.net.InetAddress getLocalAddress() {
        return java.net.InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public String toString() {
        return "ConnectorSocket[" + (closed ? "closed" : stream != null ? "open" : "unconnected") + "]";
    }
}
