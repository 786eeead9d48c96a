package io.scanopy.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class InertTest {

    @Test
    void terminalSequencesAreShownNotActedOn() {
        assertEquals("\\x1b[2Jcleared", Inert.text("\u001b[2Jcleared"));
        assertEquals("\\x1b]0;owned\\x07", Inert.text("\u001b]0;owned\u0007"));
        assertEquals("a\\x0d\\x0ab\\x09c\\x7f", Inert.text("a\r\nb\tc\u007f"));
        // C1: a single-byte CSI (U+009B) and OSC (U+009D) start sequences on some terminals.
        assertEquals("\\x9b2J\\x9d0;x\\x9c", Inert.text("\u009b2J\u009d0;x\u009c"));
    }

    @Test
    void bidiControlsCannotReorderWhatIsShown() {
        assertEquals("evil\\u202egnp.exe", Inert.text("evil\u202egnp.exe"));
        assertEquals("\\u2066\\u2067\\u2068\\u2069\\u202a\\u202b\\u202c\\u202d\\u200e\\u200f\\u061c\\u2028\\u2029",
                Inert.text("\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c\u2028\u2029"));
    }

    @Test
    void printableTextIsKeptAsItIs() {
        String plain = "grafana/grafana:11 ✓ Grüße 東京 \\x1b";
        assertSame(plain, Inert.text(plain));
        assertNull(Inert.text(null));
    }
}
