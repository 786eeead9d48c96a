package io.scanopy.engine.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An open {@code GET /events} stream: Docker writes one JSON object per event and never ends
 * the answer by itself. {@link #next()} blocks until an event arrives; {@link #close()} from
 * another thread ends a blocked read (the request is aborted).
 */
public final class EventStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerHttpClient client;
    private final DockerHttpClient.Response response;
    /**
     * Made by the first {@link #next()}, on the reading thread: Jackson reads the first bytes to
     * detect the encoding, which blocks until Docker sends an event, so made here it would hold
     * up whoever opens the stream for as long as the engine is quiet.
     */
    private JsonParser parser;
    private volatile boolean closed;

    EventStream(DockerHttpClient client, DockerHttpClient.Response response) {
        this.client = client;
        this.response = response;
    }

    /**
     * Reads the next event.
     *
     * @return the event, or null when the stream ended (Docker or a proxy closed it, or {@link #close()})
     * @throws IOException when reading fails (the connection broke)
     */
    public DockerEvent next() throws IOException {
        while (!closed) {
            JsonNode node;
            try {
                if (parser == null) {
                    InputStream body = response.getBody();
                    parser = JSON.getFactory().createParser(body);
                }
                node = parser.readValueAsTree();
            } catch (IOException e) {
                if (closed) {
                    return null;
                }
                throw e;
            }
            if (node == null) {
                return null;
            }
            if (!node.isObject()) {
                continue;
            }
            JsonNode actor = node.path("Actor");
            Map<String, String> attributes = new LinkedHashMap<>();
            actor.path("Attributes").fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
            String id = actor.path("ID").asText(node.path("id").asText(null));
            long nanos = node.path("timeNano").asLong(0);
            Instant time = nanos > 0 ? Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L)
                    : Instant.ofEpochSecond(node.path("time").asLong(0));
            return inDockersForm(node.path("Type").asText(""), node.path("Action").asText(node.path("status").asText("")), id, attributes, time);
        }
        return null;
    }

    /**
     * Podman's compat {@code /events} differs from Docker's where the daemon depends on it: a
     * removed container is {@code remove} (Docker: {@code destroy}), and a network
     * {@code connect}/{@code disconnect} has the container as its actor and names no network
     * (Docker: the network is the actor, the container an attribute). Both are put in Docker's
     * form here; the network of such a connect is unknown, so its id is empty.
     */
    static DockerEvent inDockersForm(String type, String action, String actorId, Map<String, String> attributes, Instant time) {
        if (type.equals("container") && action.equals("remove")) {
            return new DockerEvent(type, "destroy", actorId, attributes, time);
        }
        if (type.equals("network") && (action.equals("connect") || action.equals("disconnect")) && !attributes.containsKey("container")) {
            Map<String, String> withContainer = new LinkedHashMap<>(attributes);
            withContainer.put("container", actorId);
            return new DockerEvent(type, action, "", withContainer, time);
        }
        return new DockerEvent(type, action, actorId, attributes, time);
    }

    @Override
    public void close() {
        closed = true;
        response.close();
        try {
            client.close();
        } catch (IOException e) {
            // Gone either way.
        }
    }
}
