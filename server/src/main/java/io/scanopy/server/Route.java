package io.scanopy.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One GET route: it answers (completing the callback) or throws, which becomes a JSON 500. */
@FunctionalInterface
interface Route {
    /**
     * @param request the request, already authorized and known to be GET or HEAD
     * @param response the response, with the security headers set
     * @param callback completed when the answer is written
     * @throws Exception on a fault
     */
    void handle(Request request, Response response, Callback callback) throws Exception;
}
