package io.scanopy.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An events stream on a quiet engine: opening it must not wait for the first event. */
class EventStreamTest {

    private static DockerHttpClient.Response response(InputStream body) {
        return new DockerHttpClient.Response() {
            @Override
            public int getStatusCode() {
                return 200;
            }

            @Override
            public Map<String, List<String>> getHeaders() {
                return Map.of();
            }

            @Override
            public InputStream getBody() {
                return body;
            }

            @Override
            public void close() {
                try {
                    body.close();
                } catch (IOException e) {
                    // Closed either way.
                }
            }
        };
    }

    private static DockerHttpClient client() {
        return new DockerHttpClient() {
            @Override
            public Response execute(Request request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void opensAtOnceOnAQuietEngineThenReadsEventsAsTheyCome() throws Exception {
        PipedOutputStream docker = new PipedOutputStream();
        PipedInputStream body = new PipedInputStream(docker);
        // Nothing written yet: Docker sends nothing until something happens.
        EventStream stream = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> new EventStream(client(), response(body)));
        docker.write(("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"web\"}},"
                + "\"time\":1700000000,\"timeNano\":1700000000123456789}\n").getBytes(StandardCharsets.UTF_8));
        docker.flush();
        DockerEvent event = assertTimeoutPreemptively(Duration.ofSeconds(2), stream::next);
        assertEquals("start", event.verb());
        assertEquals("abc", event.actorId());
        assertEquals("web", event.attributes().get("name"));
        assertEquals(123456789, event.time().getNano());
        docker.close();
        assertNull(assertTimeoutPreemptively(Duration.ofSeconds(2), stream::next), "the end of the answer ends the stream");
        stream.close();
    }
}
