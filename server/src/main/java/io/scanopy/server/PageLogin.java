package io.scanopy.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * How a browser gets in: the user opens {@code /?key=<key>} once (the daemon prints that
 * address), the answer sets the cookie and sends the browser back to {@code /}, so the key
 * leaves the address bar and the history. The cookie then authorizes every route, the event
 * stream included (an EventSource cannot send an Authorization header).
 */
final class PageLogin {
    private final ApiKeyCheck keys;

    PageLogin(ApiKeyCheck keys) {
        this.keys = keys;
    }

    /**
     * Answers {@code GET /?key=...} when a key is configured.
     *
     * @param request the request
     * @param response the response
     * @param callback the request's callback
     * @return true when this was such a request and has been answered
     */
    boolean handle(Request request, Response response, Callback callback) {
        if (keys.open() || !"/".equals(Request.getPathInContext(request)) || !HttpMethod.GET.is(request.getMethod())) {
            return false;
        }
        String presented = Request.extractQueryParameters(request).getValue("key");
        if (presented == null) {
            return false;
        }
        if (!keys.keyMatches(presented)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            Responses.error(response, callback, HttpStatus.UNAUTHORIZED_401, "wrong key: open the address the daemon printed at start");
            return true;
        }
        response.getHeaders().put(HttpHeader.SET_COOKIE, keys.cookieHeader());
        response.getHeaders().put(HttpHeader.LOCATION, "/");
        Responses.empty(response, callback, HttpStatus.SEE_OTHER_303);
        return true;
    }
}
