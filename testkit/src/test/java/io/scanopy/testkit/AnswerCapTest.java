package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.spi.Transport;
import io.scanopy.testkit.fault.Fault;
import io.scanopy.testkit.fault.FaultServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What is read from a Docker answer is capped: a list or an inspection of absurd size, or a
 * body that never ends (fault injectors, {@link FaultServer}), ends in one line naming the
 * endpoint and the cap, never in memory exhaustion, and within the request's deadline.
 */
class AnswerCapTest {

    private static DockerAccessException fails(Fault fault, Duration timeout, ThrowingCall call) throws Exception {
        try (FaultServer server = FaultServer.start(fault);
             DockerConnection docker = DockerConnection.open(new Transport.Tcp("127.0.0.1", server.port(), null), timeout)) {
            long start = System.nanoTime();
            DockerAccessException e = assertThrows(DockerAccessException.class, () -> call.run(docker));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("| " + fault + " | DockerConnection | - | " + took.toMillis() + " ms | " + e.getMessage() + " |");
            assertTrue(took.compareTo(timeout.plusSeconds(2)) < 0, "took " + took);
            assertTrue(e.getMessage().startsWith("The answer from " + server.url() + " to "), e.getMessage());
            return e;
        }
    }

    interface ThrowingCall {
        void run(DockerConnection docker) throws Exception;
    }

    @Test
    void aListThatNeverEndsStopsAtTheListCap() throws Exception {
        DockerAccessException e = fails(Fault.ENDLESS_BODY, Duration.ofSeconds(20), docker -> docker.listContainers(false));
        assertEquals(DockerAccessException.Kind.NOT_DOCKER, e.kind());
        assertTrue(e.getMessage().contains("to GET /containers/json is larger than 64 MiB"), e.getMessage());
    }

    @Test
    void aFiftyMegabyteInspectionStopsAtTheObjectCap() throws Exception {
        DockerAccessException e = fails(Fault.OVERSIZED_BODY, Duration.ofSeconds(20), docker -> docker.inspectContainer("abc"));
        assertTrue(e.getMessage().contains("to GET /containers/{id}/json is larger than 4 MiB"), e.getMessage());
    }

    @Test
    void anHtmlPageWhereAListBelongsIsNamedWithItsFirstBytes() throws Exception {
        DockerAccessException e = fails(Fault.HTML_200, Duration.ofSeconds(5), DockerConnection::listNetworks);
        assertTrue(e.getMessage().contains("to GET /networks is not Docker's: <!DOCTYPE html> <html><head><title>Welcome</title>"), e.getMessage());
        assertTrue(!e.getMessage().contains("Unexpected character"), "no parser internals: " + e.getMessage());
    }
}
