package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.testkit.fault.Fault;
import io.scanopy.testkit.fault.FaultServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Fifty targets, of which 49 accept and never answer (fault injectors, {@link FaultServer}) and
 * one is the real engine's socket: discovery reports the real one and names each hanging one in
 * a line of its own, exit 3, in about one target timeout — targets run in parallel, so 49 hangs
 * cost one deadline, not 49.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManyTargetsCliTest {
    private final FaultCliTest cli = new FaultCliTest();

    @BeforeAll
    void setUp() throws Exception {
        cli.copyPlugins();
        cli.warmUp();
    }

    @Test
    void fortyNineHangingTargetsCostOneDeadline() throws Exception {
        List<FaultServer> hanging = new ArrayList<>();
        try {
            List<String> args = new ArrayList<>(List.of("--docker-proxy", "unix:///var/run/docker.sock"));
            for (int i = 0; i < 49; i++) {
                FaultServer server = FaultServer.start(Fault.ACCEPT_AND_HANG);
                hanging.add(server);
                args.addAll(List.of("--docker-proxy", server.url()));
            }
            args.addAll(List.of("discover", "--output", "json", "--no-detection"));
            FaultCliTest.Run run = cli.run(args.toArray(new String[0]));
            System.out.println("| 49 hanging + 1 good | discover | " + run.code() + " | " + run.took().toMillis() + " ms | "
                    + run.err().lines().count() + " lines, e.g. " + run.err().lines().findFirst().orElse("") + " |");
            assertEquals(3, run.code(), run.err());
            List<String> lines = run.err().lines().toList();
            assertEquals(49, lines.size(), run.err());
            for (FaultServer server : hanging) {
                String line = "scanopy-daemon: No complete answer from " + Pattern.quote(server.url())
                        + " to DELETE /scanopy-flavor-probe within 2 s \\(stalled waiting for the status line and headers\\) — .*";
                assertEquals(1, lines.stream().filter(l -> l.matches(line)).count(), server.url() + " named once: " + run.err());
            }
            JsonNode inventory = new ObjectMapper().readTree(run.out());
            assertEquals(1, inventory.path("engines").size(), "the real engine is reported");
            assertTrue(run.took().compareTo(FaultCliTest.TIMEOUT.plus(FaultCliTest.SLACK)) < 0, "49 hanging targets took " + run.took());
        } finally {
            hanging.forEach(FaultServer::close);
        }
    }
}
