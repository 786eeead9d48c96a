package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.detection.ExecProbe;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Network;

/**
 * Docker's embedded DNS resolver listens on 127.0.0.11, on a random TCP port, in every container
 * on a user-defined network (every compose service): the engine's socket, not the container's
 * service. The probe leaves it out of the ports it lists, so no request waits on it (it answered
 * nothing to an HTTP request for about a second, which held up every such container's probe).
 */
@RequiresDocker
class EmbeddedResolverTest {
    private static final Pattern RESOLVER = Pattern.compile("0B00007F:([0-9A-F]{4}) [0-9A-F]{8}:[0-9A-F]{4} 0A ");

    @Test
    void theProbeDoesNotListDockersEmbeddedResolverAsAListeningPort() throws Exception {
        String script = ExecProbe.script();
        try (Network network = Network.newNetwork(); TestContainer c = new TestContainer().servingHttp(8080).onNetwork(network, "app")) {
            c.start();
            String tcp = c.execInContainer("cat", "/proc/net/tcp").getStdout();
            Matcher resolver = RESOLVER.matcher(tcp);
            assertTrue(resolver.find(), "Docker's resolver listens on 127.0.0.11 in a container on a user-defined network:\n" + tcp);
            String out = c.execInContainer("sh", "-c", script, "scanopy-probe", "MK", "8", "*:/").getStdout();
            String ports = out.lines().filter(l -> l.startsWith("MK PORTS")).findFirst().orElseThrow(() -> new AssertionError(out));
            assertEquals("MK PORTS 8080", ports, "the resolver's port " + Integer.parseInt(resolver.group(1), 16) + " is not the container's");
        }
    }
}
