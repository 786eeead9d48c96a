package io.scanopy.cli;

import io.scanopy.engine.text.Inert;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A writer for human-readable lines whose values others control (target labels, what a proxy
 * answered, plugin texts): everything printed is made {@link Inert}. Lines end with
 * {@code println}; a newline inside a printed value is shown as {@code \x0a}, so no value can
 * break a line or forge one. Format strings are ours and kept; their arguments are made inert.
 */
final class InertWriter extends PrintWriter {

    InertWriter(PrintWriter target) {
        super(target, true);
    }

    @Override
    public void print(String s) {
        super.print(Inert.text(s));
    }

    @Override
    public void print(Object o) {
        print(String.valueOf(o));
    }

    @Override
    public PrintWriter format(String format, Object... args) {
        return super.format(format, inert(args));
    }

    @Override
    public PrintWriter format(Locale l, String format, Object... args) {
        return super.format(l, format, inert(args));
    }

    private static Object[] inert(Object[] args) {
        Object[] safe = args.clone();
        for (int i = 0; i < safe.length; i++) {
            if (safe[i] instanceof CharSequence text) {
                safe[i] = Inert.text(text.toString());
            }
        }
        return safe;
    }
}
