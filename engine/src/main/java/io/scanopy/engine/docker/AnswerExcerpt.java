package io.scanopy.engine.docker;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What came back from a Docker API, shown to a user: the first characters on one line, with
 * every control character escaped, so an answer can neither run on nor drive the terminal.
 */
public final class AnswerExcerpt {
    /** Characters shown at most. */
    public static final int LENGTH = 120;
    private static final Pattern VERSION_PREFIX = Pattern.compile("^/v\\d+\\.\\d+(?=/)");
    private static final Pattern ID_SEGMENT = Pattern.compile("^/(containers|exec|networks)/(?!json$|create$|prune$)[^/]+");

    private AnswerExcerpt() {
    }

    /**
     * @param text an answer, or null
     * @return its first {@value #LENGTH} characters with whitespace runs as one space and control characters escaped ({@code \x1b}), "…" when cut
     */
    public static String of(String text) {
        return of(text, LENGTH);
    }

    /**
     * @param text an answer, or null
     * @param length characters shown at most
     * @return its first {@code length} characters, as {@link #of(String)}
     */
    public static String of(String text, int length) {
        if (text == null) {
            return "";
        }
        String oneLine = text.strip().replaceAll("[ \\t\\r\\n]+", " ");
        boolean cut = oneLine.length() > length;
        StringBuilder shown = new StringBuilder();
        oneLine.substring(0, Math.min(length, oneLine.length())).codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                shown.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return cut ? shown + "…" : shown.toString();
    }

    /**
     * @param bytes the first bytes of an answer
     * @param length how many of them to read
     * @return {@link #of(String)} of them, read as UTF-8
     */
    public static String of(byte[] bytes, int length) {
        return of(new String(bytes, 0, Math.min(length, bytes.length), StandardCharsets.UTF_8));
    }

    /**
     * A request as messages name it: the method and the endpoint's path, without API version
     * prefix, query or ids ({@code GET /containers/{id}/json}).
     *
     * @param method the method
     * @param path the path as sent
     * @return the request's name
     */
    public static String request(String method, String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        p = VERSION_PREFIX.matcher(p).replaceFirst("");
        p = ID_SEGMENT.matcher(p).replaceFirst("/$1/{id}");
        return method + " " + p;
    }
}
