package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
