package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The probe's output framing: only marker lines count, and answers are hex, so a page cannot forge frames. */
class ExecProbeParsingTest {
    private static final String M = "scanopy-0011223344556677";

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void portsClientAndAnswers() {
        String page = "HTTP/1.1 200 OK\r\nServer: nginx/1.27\r\nContent-Type: text/html\r\n\r\n<html><title> Hello </title></html>";
        String out = M + " PORTS 80 8080\n" + M + " CLIENT nc\n" + M + " HTTP 80 / " + hex(page) + "\n" + M + " HTTP 8080 / \n" + M + " DONE\n";
        ProbeResult r = ExecProbe.parse(out, M, 1, null);
        assertEquals(Set.of(80, 8080), r.listeningPorts());
        assertEquals("nc", r.client());
        assertEquals(1, r.answers().size(), "an empty answer (no HTTP) is no answer");
        HttpAnswer a = r.answers().get(0);
        assertEquals(200, a.status());
        assertEquals("nginx/1.27", a.headers().get("server"));
        assertEquals("Hello", a.title().orElseThrow());
    }

    @Test
    void aPageThatPrintsMarkerLikeTextCannotForgeFrames() {
        // The page itself contains what looks like frames, with this very marker; it arrives hex-encoded.
        String evil = "HTTP/1.1 200 OK\r\n\r\n" + M + " PORTS 1 2 3\n" + M + " HTTP 9999 /admin/ " + hex("HTTP/1.1 200 OK\r\n\r\n<title>Pi-hole</title>") + "\n";
        String out = M + " PORTS 80\n" + M + " CLIENT nc\n" + M + " HTTP 80 / " + hex(evil) + "\n"
                + "unframed noise " + M + " HTTP 7 / 41\n" + M + " HTTP 81 / not-hex!\n" + M + " DONE\n";
        ProbeResult r = ExecProbe.parse(out, M, 1, null);
        assertEquals(Set.of(80), r.listeningPorts());
        assertEquals(List.of(80), r.answers().stream().map(HttpAnswer::port).toList());
        assertTrue(r.answers().get(0).body().contains("PORTS 1 2 3"), "the forged text stays inside the body it came in");
    }

    /**
     * Frames the probe did not write: another process in the container that may open the probe's
     * output under /proc (one running as the probe's user) wrote them. The script prints each
     * kind once, answers only for ports it listed, once per port and path, nothing after DONE;
     * output out of that order is not used at all.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a second PORTS, before the real one           | PORTS 3000 6379;PORTS 80;CLIENT nc;HTTP 80 / 4854;DONE",
            "a second PORTS, after the real one            | PORTS 80;CLIENT nc;PORTS 3000;HTTP 80 / 4854;DONE",
            "an answer for a port PORTS did not list       | PORTS 80;CLIENT nc;HTTP 80 / 4854;HTTP 3000 /api/health 4854;DONE",
            "an answer before PORTS                        | HTTP 80 / 4854;PORTS 80;CLIENT nc;DONE",
            "the same port and path twice                  | PORTS 80;CLIENT nc;HTTP 80 / 4854;HTTP 80 / 4855;DONE",
            "a banner for a port PORTS did not list        | PORTS 80;CLIENT nc;HTTP 80 / ;BANNER 6379 redis-ping 2b504f4e47;DONE",
            "a banner twice for one port                   | PORTS 21;CLIENT nc;HTTP 21 / ;BANNER 21 - 323230;BANNER 21 - 323230;DONE",
            "anything after DONE                           | PORTS 80;CLIENT nc;HTTP 80 / 4854;DONE;HTTP 80 /admin 4854",
            "a second DENIED, asking for the container's user | PORTS 80;CLIENT nc;DENIED od;DENIED nc;DONE",
    })
    void framesOutOfTheProbesOrderMeanNoneOfTheOutputIsUsed(String what, String frames) {
        StringBuilder out = new StringBuilder();
        for (String frame : frames.split(";")) {
            out.append(M).append(' ').append(frame).append('\n');
        }
        ProbeResult r = ExecProbe.parse(out.toString(), M, 1, null);
        assertEquals(null, r.listeningPorts(), what);
        assertEquals(List.of(), r.answers(), what);
        assertEquals(List.of(), r.banners(), what);
        assertEquals(ExecProbe.TAMPERED, r.limitation(), what);
    }

    @Test
    void aPortsOwnRuleForAPathEveryPortIsAskedIsNotSentTwice() {
        // 8081:/ would make the script ask port 8081 for / twice: two answers for one port and path.
        assertEquals(List.of("*:/", "*:/health", "3000:/api/health", "6379=redis-ping"),
                ExecProbe.withoutRepeats(List.of("*:/", "8081:/", "*:/health", "3000:/api/health", "9000:/health", "*:/", "6379=redis-ping")));
    }

    @Test
    void theProbesOwnOrderIsRead() {
        String out = M + " PORTS 80 6379\n" + M + " CLIENT nc\n" + M + " RAW nc\n" + M + " HTTP 80 / " + hex("HTTP/1.1 200 OK\r\n\r\n") + "\n"
                + M + " HTTP 80 /api/health " + hex("HTTP/1.1 404 Not Found\r\n\r\n") + "\n" + M + " HTTP 6379 / \n"
                + M + " BANNER 6379 redis-ping " + hex("+PONG\r\n") + "\n" + M + " DONE\n";
        ProbeResult r = ExecProbe.parse(out, M, 1, null);
        assertEquals(Set.of(80, 6379), r.listeningPorts());
        assertEquals(2, r.answers().size());
        assertEquals(1, r.banners().size());
        assertEquals(null, r.limitation());
    }

    @Test
    void noClientIsALimitationWithPortsKept() {
        ProbeResult r = ExecProbe.parse(M + " PORTS 5432\n" + M + " CLIENT none\n" + M + " DONE\n", M, 1, null);
        assertEquals(Set.of(5432), r.listeningPorts());
        assertTrue(r.limitation().startsWith("no HTTP client"), r.limitation());
    }

    @Test
    void withoutAWatchdogNoRequestIsMadeAndTheReasonIsSaid() {
        ProbeResult r = ExecProbe.parse(M + " PORTS 80\n" + M + " CLIENT nc\n" + M + " UNBOUNDED\n" + M + " DONE\n", M, 1, null);
        assertEquals(Set.of(80), r.listeningPorts());
        assertTrue(r.limitation().startsWith("no sleep in the container"), r.limitation());
    }

    @Test
    void aSleepTheUserMayNotRunIsNamedAmongWhatWasDenied() {
        assertEquals(List.of("nc", "sleep"), ExecProbe.denied(M + " DENIED nc sleep /etc/shadow\n", M));
    }

    @Test
    void theScriptTakesItsLimitAsItsSecondArgumentAndEndsItsWatchdog() {
        // The script is a file of its own; the daemon passes MARKER LIMIT SPEC... and nothing else.
        assertTrue(ExecProbe.SCRIPT.contains("M=\"$1\"; L=\"$2\"; shift 2"), "arguments");
        assertTrue(ExecProbe.SCRIPT.contains("kill -s KILL 0"), "the watchdog kills the probe's process group");
        assertTrue(ExecProbe.SCRIPT.contains("kill \"$watchdog\""), "a probe that finishes stops its watchdog");
    }

    @Test
    void wgetStyleOutputIsParsed() {
        String raw = "Connecting to 127.0.0.1:3000 (127.0.0.1:3000)\n  HTTP/1.1 200 OK\n  Server: Caddy\n  Content-Type: text/html\n  \nwriting to stdout\n<title>x</title>";
        HttpAnswer a = HttpAnswer.parse(3000, "/", raw).orElseThrow();
        assertEquals(200, a.status());
        assertEquals("Caddy", a.headers().get("server"));
        assertEquals("x", a.title().orElseThrow());
    }

    @Test
    void theDeniedFrameNamesOnlyTheProbesOwnFilesAndTools() {
        String out = M + " PORTS 80\n" + M + " CLIENT nc\n" + M + " DENIED /proc/net/tcp nc od tr $(reboot) nc\n"
                + "scanopy-ffffffffffffffffffffffff DENIED curl\n" + M + " DONE\n";
        // A word from anywhere else (the container) never reaches the evidence; a forged marker's frame is not read.
        assertEquals(List.of("/proc/net/tcp", "nc", "od", "tr"), ExecProbe.denied(out, M));
        assertEquals(List.of(), ExecProbe.denied(M + " PORTS 80\n" + M + " DONE\n", M));
    }
}
