package io.scanopy.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/** Conditional GET: whether the client's copy is current. */
final class EntityTags {
    private EntityTags() {
    }

    /**
     * Weak comparison, as RFC 9110 asks for {@code If-None-Match}: {@code W/"x"} matches
     * {@code "x"}; a list matches when any member does; {@code *} matches anything.
     *
     * @param request the request
     * @param etag the current entity tag, quoted
     * @return true when the answer is 304
     */
    static boolean notModified(Request request, String etag) {
        String current = opaque(etag);
        for (HttpField field : request.getHeaders().getFields(HttpHeader.IF_NONE_MATCH)) {
            for (String candidate : field.getValue().split(",")) {
                String tag = candidate.strip();
                if (tag.equals("*") || opaque(tag).equals(current)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
