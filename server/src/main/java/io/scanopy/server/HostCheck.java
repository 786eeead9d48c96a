package io.scanopy.server;

import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Guards an open daemon (no API key) against DNS rebinding: a web page the user visits could
 * point a name of its own at 127.0.0.1 and read the inventory through the browser. An open
 * daemon listens on loopback only, so it answers only to loopback names; a daemon with a key
 * needs no such guard (the page has no key to send).
 */
final class HostCheck {
    private final boolean enforced;

    HostCheck(boolean openServer) {
        this.enforced = openServer;
    }

    /**
     * @param request the request
     * @return true when the request may go on
     */
    boolean allows(Request request) {
        if (!enforced) {
            return true;
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host == null || isLoopbackName(hostPart(host));
    }

    private static String hostPart(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    static boolean isLoopbackName(String host) {
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("[::1]")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
