package io.scanopy.server;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces Jetty's error pages (HTML with the server's name, optionally stack traces) for what
 * Jetty answers itself (a malformed request, headers too large, an exception from a route):
 * the same JSON error as every route, with the same security headers.
 */
final class JsonErrorHandler implements Request.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : HttpStatus.INTERNAL_SERVER_ERROR_500;
        Throwable cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
        String message = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String m ? m : null;
        if (status >= 500) {
            // A server fault's message and cause are internals: logged here, never sent.
            LOG.warn("{} {} failed with {}", request.getMethod(), request.getHttpURI().getPath(), status, cause);
            message = null;
        }
        Responses.securityHeaders(response);
        Responses.error(response, callback, status, message);
        return true;
    }
}
