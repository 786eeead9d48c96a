package io.scanopy.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An events stream on a quiet engine must not wait for the first event; real engines' streams are read alike. */
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

    /** Events recorded from Podman 4.3 (see src/test/resources/docker-answers/README.md), read into Docker's form. */
    @Test
    void podmansEventsInDockersForm() throws Exception {
        List<DockerEvent> events = new java.util.ArrayList<>();
        try (InputStream recorded = getClass().getResourceAsStream("/docker-answers/podman-4.3-events.jsonl")) {
            EventStream stream = new EventStream(client(), response(recorded));
            for (DockerEvent e = stream.next(); e != null; e = stream.next()) {
                events.add(e);
            }
            stream.close();
        }
        String container = events.get(0).actorId();
        assertEquals(List.of("container create", "container init", "container start", "network connect", "network disconnect",
                "container exec", "container exec_died", "container sync", "container die", "container cleanup", "container sync", "container destroy"),
                events.stream().map(e -> e.type() + " " + e.verb()).toList(), "Podman's remove is Docker's destroy");
        for (DockerEvent connect : events.subList(3, 5)) {
            assertEquals(container, connect.attributes().get("container"), "the container connected, as Docker names it");
            assertEquals("", connect.actorId(), "Podman does not say which network");
        }
        assertEquals(container, events.get(11).actorId());
    }

    @Test
    void dockersConnectIsLeftAsItIs() {
        DockerEvent connect = EventStream.inDockersForm("network", "connect", "net1", Map.of("container", "c1", "name", "front"), java.time.Instant.EPOCH);
        assertEquals("net1", connect.actorId());
        assertEquals("c1", connect.attributes().get("container"));
        assertEquals("destroy", EventStream.inDockersForm("container", "destroy", "c1", Map.of(), java.time.Instant.EPOCH).verb());
        assertEquals("remove", EventStream.inDockersForm("network", "remove", "net1", Map.of(), java.time.Instant.EPOCH).verb(), "only a container's remove is renamed");
    }

    /**
     * One container's life (network create, run, exec, stop with a 1 s timeout, rm, network rm)
     * as each real engine reported it (src/test/resources/docker-answers/). Docker 26.1 reports
     * the container's die after its network disconnect and stop, 20.10 before: the watcher
     * inspects what each event names, so the order does not change the inventory.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "docker-20.10.24 | network create, container create, network connect, container start, container exec_create, container exec_start,"
                    + " container exec_die, container kill, container kill, container die, network disconnect, container stop, container destroy, network destroy",
            "docker-26.1.5 | network create, container create, network connect, container start, container exec_create, container exec_start,"
                    + " container exec_die, container kill, container kill, network disconnect, container stop, container die, container destroy, network destroy",
    })
    void readsEachEnginesRecordedEvents(String engine, String expected) throws Exception {
        List<DockerEvent> events = new ArrayList<>();
        try (EventStream stream = new EventStream(client(), response(getClass().getResourceAsStream("/docker-answers/" + engine + "-events.json")))) {
            for (DockerEvent e = stream.next(); e != null; e = stream.next()) {
                events.add(e);
            }
        }
        assertEquals(List.of(expected.split(", ")), events.stream().map(e -> e.type() + " " + e.verb()).toList());
        String container = events.get(1).actorId();
        String network = events.get(0).actorId();
        assertEquals(64, container.length());
        for (DockerEvent e : events) {
            assertEquals(e.type().equals("container") ? container : network, e.actorId(), e.toString());
            assertTrue(e.time().isAfter(Instant.parse("2026-01-01T00:00:00Z")), e.toString());
        }
        assertEquals("rec-ev-web", events.get(1).attributes().get("name"));
        assertEquals(container, events.get(2).attributes().get("container"), "a network event names the container it connected");
    }
}
