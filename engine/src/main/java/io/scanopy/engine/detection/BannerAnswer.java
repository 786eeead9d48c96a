package io.scanopy.engine.detection;

import java.nio.charset.StandardCharsets;

/**
 * What a port that does not speak HTTP announced, or answered to its greeting, as the exec
 * probe read it (capped at 4 KiB).
 *
 * @param port the container port
 * @param greeting the greeting sent first ({@link Catalogue#GREETINGS}), or null when none
 * @param text what the port said, rendered safely (see {@link #render})
 */
public record BannerAnswer(int port, String greeting, String text) {
    /** Most bytes read from one port. */
    public static final int MAX_BYTES = 4096;

    /**
     * @return the first line of what the port said (empty when it said nothing printable)
     */
    public String firstLine() {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /**
     * Renders raw bytes as text no terminal or log can be fooled by: printable ASCII as is,
     * lines split at LF (CR before it dropped), every other byte as {@code \xNN}. A MySQL
     * protocol 10 handshake (a length-prefixed packet whose first byte is 10, then the
     * NUL-terminated server version) is read as what it says: {@code MySQL protocol 10, server
     * version VERSION}.
     *
     * @param bytes what the port sent (at most {@link #MAX_BYTES} are read)
     * @return the rendering
     */
    static String render(byte[] bytes) {
        int length = Math.min(bytes.length, MAX_BYTES);
        String mysql = mysqlHandshake(bytes, length);
        if (mysql != null) {
            return mysql;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r' && i + 1 < length && bytes[i + 1] == '\n') {
                continue;
            }
            if (b == '\n' || b >= 0x20 && b < 0x7f) {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.toString();
    }

    /** The v10 handshake: 3-byte little-endian length, sequence 0, protocol 10, version, NUL. */
    private static String mysqlHandshake(byte[] b, int length) {
        if (length < 7 || b[3] != 0 || b[4] != 10) {
            return null;
        }
        int packet = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16;
        if (packet < 2 || packet > length - 4) {
            return null;
        }
        int end = 5;
        while (end < 4 + packet && b[end] != 0) {
            int c = b[end] & 0xff;
            if (c < 0x20 || c >= 0x7f || end - 5 > 100) {
                return null;
            }
            end++;
        }
        if (end == 5 || end >= 4 + packet) {
            return null;
        }
        return "MySQL protocol 10, server version " + new String(b, 5, end - 5, StandardCharsets.US_ASCII);
    }
}
