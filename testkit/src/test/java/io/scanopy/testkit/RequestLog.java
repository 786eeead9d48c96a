package io.scanopy.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * The requests a counting proxy ({@link io.scanopy.testkit.proxy.ProxyImages#counting()})
 * forwarded, read from its HAProxy httplog lines. HAProxy logs a request when its answer is
 * complete, so a stream still open ({@code GET /events}) is not in the log yet.
 */
final class RequestLog {
    private static final Pattern LINE = Pattern.compile("\"([A-Z]+) ([^ \"?]+)(\\?[^ \"]*)? HTTP/[0-9.]+\"");
    private static final Pattern VERSION = Pattern.compile("^/v[0-9.]+(?=/)");
    private static final Pattern INSPECT = Pattern.compile("^/containers/([^/]+)/json$");

    /**
     * One request.
     *
     * @param method the HTTP method
     * @param path the path without the API version prefix
     * @param query the query string without '?', or ""
     */
    record Request(String method, String path, String query) {
        boolean isContainerList() {
            return method.equals("GET") && path.equals("/containers/json");
        }

        /** @return the container id or name inspected, or null when this is not an inspection */
        String inspected() {
            Matcher m = INSPECT.matcher(path);
            return method.equals("GET") && m.matches() && !path.equals("/containers/json") ? m.group(1) : null;
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query);
        }
    }

    private RequestLog() {
    }

    /**
     * @param proxy a running counting proxy
     * @return every request it logged so far, in order
     */
    static List<Request> of(GenericContainer<?> proxy) {
        List<Request> requests = new ArrayList<>();
        for (String line : proxy.getLogs(OutputFrame.OutputType.STDOUT).split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                String query = m.group(3) == null ? "" : m.group(3).substring(1);
                requests.add(new Request(m.group(1), VERSION.matcher(m.group(2)).replaceFirst(""), query));
            }
        }
        return requests;
    }

    /**
     * @param requests requests
     * @return how many per "METHOD path", for messages
     */
    static Map<String, Integer> tally(List<Request> requests) {
        Map<String, Integer> counts = new TreeMap<>();
        requests.forEach(r -> counts.merge(r.method() + " " + r.path(), 1, Integer::sum));
        return counts;
    }
}
