package io.scanopy.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request's way in, in this order: the security headers, the host name (an open daemon only), the body limit, the page login,
 * the key, the route, the method. Without the key every path but the open ones answers 401,
 * known or not, so a client without it learns nothing, not even which paths exist.
 */
final class FrontHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(FrontHandler.class);
    /** The API takes no bodies: anything beyond this is refused unread. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final Router router;
    private final ApiKeyCheck keys;
    private final PageLogin login;
    private final HostCheck hosts;

    FrontHandler(Router router, ApiKeyCheck keys) {
        this.router = router;
        this.keys = keys;
        this.login = new PageLogin(keys);
        this.hosts = new HostCheck(keys.open());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Responses.securityHeaders(response);
        if (!hosts.allows(request)) {
            Responses.error(response, callback, HttpStatus.FORBIDDEN_403,
                    "this daemon has no API key, so it answers only to localhost and 127.0.0.1 (a guard against DNS rebinding); set SCANOPY_DAEMON_API_KEY to serve other names");
            return true;
        }
        if (bodyTooLarge(request)) {
            Responses.error(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "request body too large: the API takes no bodies");
            return true;
        }
        if (login.handle(request, response, callback)) {
            return true;
        }
        String path = Request.getPathInContext(request);
        Optional<Router.Match> match = router.find(path);
        boolean open = match.map(Router.Match::open).orElse(false);
        if (!open && !keys.allows(request)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            Responses.error(response, callback, HttpStatus.UNAUTHORIZED_401,
                    "an API key is required: send Authorization: Bearer <key>, or open the page once as /?key=<key>");
            return true;
        }
        if (match.isEmpty()) {
            Responses.error(response, callback, HttpStatus.NOT_FOUND_404, "no such route: " + path);
            return true;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, Router.ALLOWED_METHODS);
            Responses.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, request.getMethod() + " is not allowed here: the API only reads");
            return true;
        }
        try {
            match.get().route().handle(request, response, callback);
        } catch (Exception e) {
            fault(request, response, callback, path, e);
        }
        return true;
    }

    /**
     * A route failed. Answered here rather than left to Jetty, whose log line would carry the
     * full URI, query (and so a {@code ?key=}) included.
     */
    private static void fault(Request request, Response response, Callback callback, String path, Exception e) {
        LOG.warn("{} {} failed", request.getMethod(), path, e);
        if (response.isCommitted()) {
            callback.failed(e);
            return;
        }
        response.reset();
        Responses.securityHeaders(response);
        Responses.error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, null);
    }

    /**
     * A declared length over the limit is refused at once; a chunked body (no declared length)
     * is read up to the limit to find out.
     */
    private static boolean bodyTooLarge(Request request) throws IOException {
        long declared = request.getLength();
        if (declared >= 0) {
            return declared > MAX_BODY_BYTES;
        }
        if (!request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            return false;
        }
        InputStream body = Request.asInputStream(request);
        return body.readNBytes(MAX_BODY_BYTES + 1).length > MAX_BODY_BYTES;
    }
}
