package io.scanopy.engine.detection;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP answer seen while probing, decoded from what the client printed.
 *
 * @param port the container port (or the published host port for the published-port route)
 * @param path the path requested
 * @param status the status code
 * @param headers response headers, names in lower case (the first of each)
 * @param body the body (capped)
 */
public record HttpAnswer(int port, String path, int status, Map<String, String> headers, String body) {
    private static final Pattern STATUS = Pattern.compile("HTTP/[0-9.]+ +([1-5][0-9][0-9])");
    private static final Pattern HEADER = Pattern.compile("^ *([A-Za-z0-9!#$%&'*+.^_`|~-]+): *(.*?)\\s*$");
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");

    /** Copies the map. */
    public HttpAnswer {
        headers = Map.copyOf(headers);
    }

    /**
     * @return the page title, trimmed, if the body has one
     */
    public Optional<String> title() {
        Matcher m = TITLE.matcher(body);
        return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
    }

    /**
     * Parses a raw response as curl -i, nc or python print it (status line, headers, blank line,
     * body), or as busybox/GNU wget -S prints it (indented headers on stderr, merged, then the body).
     *
     * @param port the port
     * @param path the path
     * @param raw the raw text
     * @return the answer, or empty when no HTTP status line is in it
     */
    public static Optional<HttpAnswer> parse(int port, String path, String raw) {
        Matcher status = STATUS.matcher(raw);
        if (!status.find() || status.start() > 512) {
            return Optional.empty();
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        String[] lines = raw.substring(status.end()).split("\r?\n", -1);
        int i = 1;
        for (; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                i++;
                break;
            }
            Matcher h = HEADER.matcher(line);
            if (!h.matches()) {
                break;
            }
            headers.putIfAbsent(h.group(1).toLowerCase(java.util.Locale.ROOT), h.group(2));
        }
        String body = i < lines.length ? String.join("\n", java.util.Arrays.asList(lines).subList(i, lines.length)) : "";
        return Optional.of(new HttpAnswer(port, path, Integer.parseInt(status.group(1)), headers, body));
    }
}
