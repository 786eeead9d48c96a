package io.scanopy.engine.text;

/**
 * Text that others control (labels, names, images, whatever an engine or a proxy answers) made
 * inert for a terminal: every character that could move the cursor, clear the screen, retitle
 * the window, start an escape sequence, break a line or reorder what is shown is written as a
 * visible escape instead — C0 controls (newline and tab included) and DEL as {@code \xHH}, C1
 * controls as {@code \xHH}, bidi overrides, embeddings, isolates and marks and the Unicode line
 * and paragraph separators as {@code \}{@code uHHHH}. Everything else is kept as it is. Every
 * human-readable output (table, doctor, plugins, errors, log lines) goes through here; JSON does
 * not: it is exact, and its own escaping makes it safe.
 */
public final class Inert {
    private Inert() {
    }

    /**
     * @param text any text, or null
     * @return the text with every unsafe character escaped, or null for null
     */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !unsafe(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c)) {
                sb.append(c);
            } else if (c <= 0xFF) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /**
     * @param c a character
     * @return true when a terminal would act on it rather than show it
     */
    static boolean unsafe(char c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F // C0, DEL, C1
                || c == 0x061C || c == 0x200E || c == 0x200F // Arabic letter mark, LRM, RLM
                || c >= 0x202A && c <= 0x202E // LRE, RLE, PDF, LRO, RLO
                || c >= 0x2066 && c <= 0x2069 // LRI, RLI, FSI, PDI
                || c == 0x2028 || c == 0x2029; // line and paragraph separators
    }
}
