package io.scanopy.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing answers: headers every answer carries, JSON bodies and JSON errors. */
final class Responses {
    static final String JSON = "application/json";
    /**
     * Self only, no inline script or style, no framing: the page needs nothing else, and a
     * JSON answer opened in a browser gets the same protection.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private Responses() {
    }

    /**
     * Sets the headers every answer carries, errors included.
     *
     * @param response the response
     */
    static void securityHeaders(Response response) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // The inventory is a live view: nothing is cached unless a route says otherwise.
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    /**
     * Writes a whole body and completes the response.
     *
     * @param response the response
     * @param callback the request's callback
     * @param status the status
     * @param contentType the content type
     * @param body the body
     */
    static void body(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * Writes an object as JSON.
     *
     * @param response the response
     * @param callback the request's callback
     * @param status the status
     * @param value the record, list or map
     */
    static void json(Response response, Callback callback, int status, Object value) {
        body(response, callback, status, JSON, Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes an error as {@code {"error":"...","status":N}}.
     *
     * @param response the response
     * @param callback the request's callback
     * @param status the status
     * @param message what went wrong, for a person; never internals
     */
    static void error(Response response, Callback callback, int status, String message) {
        json(response, callback, status, new ErrorBody(message == null ? HttpStatus.getMessage(status) : message, status));
    }

    /**
     * Completes the response with a status and no body (304, 303).
     *
     * @param response the response
     * @param callback the request's callback
     * @param status the status
     */
    static void empty(Response response, Callback callback, int status) {
        response.setStatus(status);
        response.write(true, null, callback);
    }

    /** The error body. */
    record ErrorBody(String error, int status) {
    }
}
