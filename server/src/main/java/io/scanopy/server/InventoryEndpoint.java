package io.scanopy.server;

import io.scanopy.engine.live.LiveInventory;
import io.scanopy.engine.live.Snapshot;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/inventory}: the snapshot's JSON as made once per change, with its entity tag
 * so a poller that is current gets a 304 and no body.
 */
final class InventoryEndpoint implements Route {
    /**
     * The id of the last change the snapshot includes: a client that loads the inventory and
     * then follows {@code /api/changes} ignores the changes up to it (they are already in).
     */
    static final String LAST_EVENT_ID_HEADER = "Scanopy-Last-Event-Id";

    private final LiveInventory inventory;

    InventoryEndpoint(LiveInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public void handle(Request request, Response response, Callback callback) {
        Snapshot snapshot = inventory.snapshot();
        response.getHeaders().put(HttpHeader.ETAG, snapshot.etag());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(LAST_EVENT_ID_HEADER, Long.toString(snapshot.lastChangeId()));
        if (EntityTags.notModified(request, snapshot.etag())) {
            Responses.empty(response, callback, HttpStatus.NOT_MODIFIED_304);
            return;
        }
        Responses.body(response, callback, HttpStatus.OK_200, Responses.JSON, snapshot.json());
    }
}
