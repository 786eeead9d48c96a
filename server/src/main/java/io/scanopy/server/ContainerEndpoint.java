package io.scanopy.server;

import io.scanopy.engine.live.LiveInventory;
import io.scanopy.spi.inventory.Container;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/containers/{id}}: one container by full id or a unique prefix of 12 or more. */
final class ContainerEndpoint implements Route {
    static final String PREFIX = "/api/containers/";

    private final LiveInventory inventory;

    ContainerEndpoint(LiveInventory inventory) {
        this.inventory = inventory;
    }

    /** The body; {@code engineId} is left out while the container's engine is not identified yet. */
    record Body(String engineId, Container container) {
    }

    @Override
    public void handle(Request request, Response response, Callback callback) {
        String id = Router.segmentAfter(Request.getPathInContext(request), PREFIX);
        Optional<Map.Entry<String, Container>> found = inventory.findContainer(id);
        if (found.isEmpty()) {
            Responses.error(response, callback, HttpStatus.NOT_FOUND_404, "no container with id " + id + " (give the full id or at least 12 characters of it)");
            return;
        }
        String engineId = found.get().getKey();
        Responses.json(response, callback, HttpStatus.OK_200, new Body(engineId.isEmpty() ? null : engineId, found.get().getValue()));
    }
}
