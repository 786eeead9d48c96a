package io.scanopy.testkit;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Publishes container ports on 127.0.0.1 only (our network rule), never on all interfaces. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /**
     * Adds exposed ports and loopback bindings to a create command.
     *
     * @param cmd the create command
     * @param exposed ports to expose only
     * @param published ports to publish on a random port of 127.0.0.1
     */
    public static void apply(CreateContainerCmd cmd, List<ExposedPort> exposed, List<Integer> published) {
        List<ExposedPort> all = new ArrayList<>(exposed);
        List<PortBinding> bindings = new ArrayList<>();
        for (int port : published) {
            all.add(ExposedPort.tcp(port));
            bindings.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port)));
        }
        if (!all.isEmpty()) {
            cmd.withExposedPorts(all);
        }
        if (!bindings.isEmpty()) {
            HostConfig hostConfig = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
            cmd.withHostConfig(hostConfig.withPortBindings(bindings));
        }
    }

    /**
     * Waits, at most {@code seconds}, until an HTTP server answers on 127.0.0.1:port. A TCP
     * connect alone proves nothing: Docker's port forwarder accepts before the container listens.
     *
     * @param port the host port
     * @param seconds the bound
     * @throws IllegalStateException when nothing answers in time
     */
    public static void awaitHttp(int port, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(1000);
                s.getOutputStream().write("GET /_ping HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] head = s.getInputStream().readNBytes(5);
                if (new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("HTTP/")) {
                    return;
                }
                throw new IOException("no HTTP answer yet");
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("no HTTP answer on 127.0.0.1:" + port + " after " + seconds + " s");
    }
}
