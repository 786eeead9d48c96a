package io.scanopy.engine.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scanopy.spi.Transport;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The client address is claimed only when it can be known; the cases that need Docker (a port it
 * publishes, a proxy on a bridge of this host) run in the proxy matrix against the real engine.
 */
class ClientAddressTest {

    @Test
    void aUnixSocketHasNoClientAddress() {
        assertEquals(Optional.empty(), ClientAddress.seenBy(new Transport.UnixSocket(Path.of("/var/run/docker.sock"))));
    }

    @Test
    void aLoopbackPortNoDockerForwarderServesIsUnknown() throws Exception {
        try (ServerSocket own = new ServerSocket(0)) {
            assertEquals(Optional.empty(), ClientAddress.seenBy(new Transport.Tcp("127.0.0.1", own.getLocalPort(), null)));
        }
    }

    @Test
    void anAddressBeyondARouterIsUnknown() {
        // TEST-NET-3: never on a link of this host, so any answer would be a guess (NAT may sit between).
        assertEquals(Optional.empty(), ClientAddress.seenBy(new Transport.Tcp("203.0.113.5", 2375, null)));
    }
}
