package io.scanopy.engine.target;

import io.scanopy.spi.Transport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The address a proxy sees this process's requests come from, for advice such as wollomatic's
 * {@code -allowfrom}. Known in two cases, and only claimed then:
 * <ul>
 * <li>the proxy is on a network this host is directly on (the daemon beside it in compose): it
 *     sees the local address the kernel picks for the connection;</li>
 * <li>the proxy is reached through a port Docker publishes on this host (127.0.0.1 or one of its
 *     own addresses): Docker's port forwarder ({@code docker-proxy}, whose command line names
 *     the container address behind each published port) connects from the gateway of the
 *     container's bridge, the host's address on that bridge.</li>
 * </ul>
 * Anything else (a proxy on another host, behind NAT, a forwarder this process cannot see) is
 * unknown.
 */
final class ClientAddress {
    private static final Path PROC = Path.of("/proc");

    private ClientAddress() {
    }

    /**
     * @param transport how the target is reached
     * @return the address the proxy sees, or empty when it cannot be known
     */
    static Optional<String> seenBy(Transport transport) {
        if (!(transport instanceof Transport.Tcp tcp)) {
            return Optional.empty();
        }
        try {
            InetAddress remote = InetAddress.getByName(tcp.host());
            if (remote.isLoopbackAddress() || NetworkInterface.getByInetAddress(remote) != null) {
                return publishedPortGateway(tcp.port());
            }
            InetAddress local = localAddressTowards(remote, tcp.port());
            return onLinkWith(local, remote) ? Optional.of(local.getHostAddress()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The source address the kernel picks for a connection to remote (a UDP connect sends nothing). */
    private static InetAddress localAddressTowards(InetAddress remote, int port) throws SocketException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(remote, port));
            return socket.getLocalAddress();
        }
    }

    /** Whether remote is on a subnet of the interface that holds local: no router (and no NAT) between. */
    private static boolean onLinkWith(InetAddress local, InetAddress remote) throws SocketException {
        NetworkInterface nic = NetworkInterface.getByInetAddress(local);
        if (nic == null) {
            return false;
        }
        return nic.getInterfaceAddresses().stream().anyMatch(a -> a.getAddress().equals(local) && sameSubnet(a, remote));
    }

    /** The host's address on the bridge of the container behind a published port, from docker-proxy's command line. */
    private static Optional<String> publishedPortGateway(int hostPort) throws IOException {
        Optional<InetAddress> container = forwardedContainer(hostPort);
        if (container.isEmpty()) {
            return Optional.empty();
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address && sameSubnet(a, container.get()) && !a.getAddress().equals(container.get())) {
                    return Optional.of(a.getAddress().getHostAddress());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<InetAddress> forwardedContainer(int hostPort) throws IOException {
        if (!Files.isDirectory(PROC)) {
            return Optional.empty();
        }
        try (Stream<Path> processes = Files.list(PROC)) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(ClientAddress::commandLine)
                    .filter(args -> !args.isEmpty() && args.get(0).endsWith("docker-proxy"))
                    .filter(args -> "tcp".equals(argument(args, "-proto")) && String.valueOf(hostPort).equals(argument(args, "-host-port")))
                    .map(args -> argument(args, "-container-ip"))
                    .filter(ip -> ip != null && ip.matches("[0-9.]+"))
                    .findFirst()
                    .map(ip -> {
                        try {
                            return InetAddress.getByName(ip);
                        } catch (IOException e) {
                            return null;
                        }
                    });
        }
    }

    private static List<String> commandLine(Path process) {
        try {
            String raw = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of(); // gone, or not ours to read
        }
    }

    private static String argument(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static boolean sameSubnet(InterfaceAddress network, InetAddress address) {
        byte[] a = network.getAddress().getAddress();
        byte[] b = address.getAddress();
        if (a.length != b.length) {
            return false;
        }
        int bits = network.getNetworkPrefixLength();
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
