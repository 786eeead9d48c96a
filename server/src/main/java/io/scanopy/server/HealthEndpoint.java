package io.scanopy.server;

import io.scanopy.engine.live.LiveInventory;
import io.scanopy.engine.live.TargetHealth;
import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/health}: always 200 while the process answers (a supervisor restarting the
 * daemon would not bring a lost Docker engine back); {@code ready} says whether every target
 * is being followed.
 */
final class HealthEndpoint implements Route {
    private final LiveInventory inventory;

    HealthEndpoint(LiveInventory inventory) {
        this.inventory = inventory;
    }

    /** The body; {@code ready} is true with no targets at all (nothing is failing). */
    record Body(String status, boolean ready, List<TargetHealth> targets) {
    }

    @Override
    public void handle(Request request, Response response, Callback callback) {
        List<TargetHealth> targets = inventory.health();
        boolean ready = targets.stream().allMatch(t -> t.state().ready());
        Responses.json(response, callback, HttpStatus.OK_200, new Body("up", ready, targets));
    }
}
