package io.scanopy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Human-readable lines (doctor, plugins, errors, logs) show what others control escaped, one line each. */
class InertOutputTest {

    @Test
    void theWriterEscapesValuesAndKeepsItsOwnLines() {
        StringWriter sink = new StringWriter();
        PrintWriter out = new InertWriter(new PrintWriter(sink));
        out.println("Target: http://proxy\u001b[2J:2375");
        out.printf("  %-8s %s%n", "GET\u001b]0;x\u0007", "line\nbreak");
        out.print(new StringBuilder("\u202eevil"));
        out.flush();
        assertEquals("Target: http://proxy\\x1b[2J:2375\n  GET\\x1b]0;x\\x07 line\\x0abreak\n\\u202eevil", sink.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aLogMessageIsOneInertLine() {
        LoggingEvent event = new LoggingEvent("test", new LoggerContext().getLogger("test"), Level.INFO, "container {} is gone",
                null, new Object[] {"web\u001b[2J\nFAKE LINE"});
        assertEquals("container web\\x1b[2J\\x0aFAKE LINE is gone", new InertMessageConverter().convert(event));
    }

    @Test
    void aHostileValueInAnErrorIsOneEscapedLine() {
        // The setting's value is echoed in the error: escaped, on one line, exit 2.
        CliErrorsTest.Run run = CliErrorsTest.run(Map.of("SCANOPY_DOCKER_PROXY", "http://proxy\u001b]0;owned\u0007:0"), "discover");
        assertEquals(ScanopyDaemon.EXIT_USAGE, run.code(), run.err());
        assertEquals("scanopy-daemon: SCANOPY_DOCKER_PROXY=http://proxy\\x1b]0;owned\\x07:0 is not a valid URL (Illegal character in authority)"
                + " — write it as http://HOST:PORT or https://HOST:PORT", run.err().strip());
    }
}
