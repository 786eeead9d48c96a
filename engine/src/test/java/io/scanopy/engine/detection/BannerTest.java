package io.scanopy.engine.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DetectedService;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Banners: the probe's BANNER frames, their safe rendering, and the catalogue's banner rules (MariaDB is not MySQL). */
class BannerTest {
    private static final String M = "scanopy-0011223344556677";
    private final ServiceMatcher matcher = new ServiceMatcher(Catalogue.builtIn());

    /** A MySQL protocol 10 handshake as a server sends it: length, sequence 0, protocol 10, version, NUL, then binary. */
    static byte[] handshake(String version) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(10);
        payload.writeBytes(version.getBytes(StandardCharsets.US_ASCII));
        payload.write(0);
        payload.writeBytes(new byte[] {0x2a, 0, 0, 0, 0x3f, 0x5b, (byte) 0xff, (byte) 0xf7, 0x08, 0x02, 0});
        byte[] p = payload.toByteArray();
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.writeBytes(new byte[] {(byte) p.length, 0, 0, 0});
        packet.writeBytes(p);
        return packet.toByteArray();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static Stream<Arguments> frames() {
        byte[] big = new byte[20_000];
        java.util.Arrays.fill(big, (byte) 'A');
        return Stream.of(
                Arguments.of("ssh", hex("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n".getBytes(StandardCharsets.US_ASCII)), 22, null,
                        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
                Arguments.of("smtp, two lines", hex("220 mail ESMTP Postfix (Debian/GNU)\r\n250 ok\r\n".getBytes(StandardCharsets.US_ASCII)), 25, null,
                        "220 mail ESMTP Postfix (Debian/GNU)"),
                Arguments.of("redis after PING", hex("+PONG\r\n".getBytes(StandardCharsets.US_ASCII)), 6379, "redis-ping", "+PONG"),
                Arguments.of("postgresql SSLRequest", "4e", 5432, "postgresql-sslrequest", "N"),
                Arguments.of("mariadb handshake", hex(handshake("5.5.5-10.11.6-MariaDB-0+deb12u1")), 3306, null,
                        "MySQL protocol 10, server version 5.5.5-10.11.6-MariaDB-0+deb12u1"),
                // Terminal escapes, a bell, NUL and a forged frame on the next line: every control byte is shown as \xNN.
                Arguments.of("hostile", hex(("220 \u001b]0;owned\u0007\u0000x\r" + M + " PORTS 1\n").getBytes(StandardCharsets.UTF_8)), 21, null,
                        "220 \\x1b]0;owned\\x07\\x00x\\x0d" + M + " PORTS 1".substring(0, 0)),
                Arguments.of("non-ASCII", hex("220 caf\u00e9\n".getBytes(StandardCharsets.UTF_8)), 21, null, "220 caf\\xc3\\xa9"),
                // More than the probe reads: only the first 4 KiB counts.
                Arguments.of("oversized", hex(big), 9999, null, "A".repeat(BannerAnswer.MAX_BYTES)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void bannerFramesAreParsedAndRenderedSafely(String what, String hex, int port, String greeting, String firstLine) {
        String out = M + " PORTS " + port + "\n" + M + " CLIENT nc\n" + M + " HTTP " + port + " / \n"
                + M + " BANNER " + port + " " + (greeting == null ? "-" : greeting) + " " + hex + "\n" + M + " DONE\n";
        ProbeResult r = ExecProbe.parse(out, M, 1, null);
        assertEquals(List.of(), r.answers(), "a banner is no HTTP answer");
        assertEquals(1, r.banners().size(), what);
        BannerAnswer b = r.banners().get(0);
        assertEquals(port, b.port());
        assertEquals(greeting, b.greeting());
        if (what.equals("hostile")) {
            assertTrue(b.firstLine().startsWith(firstLine), b.firstLine());
            assertTrue(b.text().chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "no control character survives: " + b.text());
            assertEquals(Set.of(21), r.listeningPorts(), "the forged frame inside the banner is not a frame");
        } else {
            assertEquals(firstLine, b.firstLine());
        }
    }

    @Test
    void malformedBannerFramesAreDropped() {
        String out = M + " PORTS 22\n"
                + M + " BANNER 22 - not-hex\n"
                + M + " BANNER 22 - abc\n"                 // odd length
                + M + " BANNER 22 flushall 2b4f4b\n"       // a greeting the probe does not know
                + M + " BANNER x - 2b4f4b\n"
                + M + " BANNER 22 -\n"
                + "noise " + M + " BANNER 22 - 2b4f4b\n"
                + M + " DONE\n";
        assertEquals(List.of(), ExecProbe.parse(out, M, 1, null).banners());
    }

    private static Container container(String image) {
        return new Container("c0ffee", List.of("db"), image, "sha256:1", "running", "Up", Instant.EPOCH, Instant.EPOCH, Map.of(), null, "x",
                List.of(), List.of(), List.of(), Container.Detail.INSPECT);
    }

    private List<DetectedService> match(int port, String greeting, byte[] said) {
        return matcher.match(container("acme/db:1"), Set.of(port), List.of(), List.of(new BannerAnswer(port, greeting, BannerAnswer.render(said))), "exec");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("servers")
    void bannerRulesNameTheServerAndQuoteTheFirstLine(String version, String expected, String quoted) {
        DetectedService top = match(3306, null, handshake(version)).get(0);
        assertEquals(expected, top.definitionId(), top.toString());
        DetectedService.Evidence e = top.evidence().stream().filter(x -> x.rule().equals(expected + "-handshake")).findFirst().orElseThrow(() -> new AssertionError(top.toString()));
        assertEquals("exec", e.route());
        assertEquals(3306, e.port());
        assertEquals("port 3306 announced \"" + quoted + "\"", e.detail());
    }

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("8.0.36", "mysql", "MySQL protocol 10, server version 8.0.36"),
                Arguments.of("5.5.5-10.11.6-MariaDB-0+deb12u1", "mariadb", "MySQL protocol 10, server version 5.5.5-10.11.6-MariaDB-0+deb12u1"),
                Arguments.of("11.4.2-MariaDB-ubu2404", "mariadb", "MySQL protocol 10, server version 11.4.2-MariaDB-ubu2404"));
    }

    @Test
    void aMariaDbHandshakeIsNotMySqlEvenOnMySqlsPort() {
        List<DetectedService> found = match(3306, null, handshake("5.5.5-10.11.6-MariaDB-0+deb12u1"));
        assertEquals("mariadb", found.get(0).definitionId());
        // The handshake says MariaDB: MySQL's guess from the port it listens on falls with it.
        assertTrue(found.stream().noneMatch(s -> s.definitionId().equals("mysql")), found.toString());
    }

    @Test
    void greetingsAnswersNameTheirServers() {
        assertEquals("redis", match(6379, "redis-ping", "+PONG\r\n".getBytes(StandardCharsets.US_ASCII)).get(0).definitionId());
        assertEquals("redis", match(6379, "redis-ping", "-NOAUTH Authentication required.\r\n".getBytes(StandardCharsets.US_ASCII)).get(0).definitionId());
        assertEquals("memcached", match(11211, "memcached-version", "VERSION 1.6.18\r\n".getBytes(StandardCharsets.US_ASCII)).get(0).definitionId());
        DetectedService pg = match(5432, "postgresql-sslrequest", new byte[] {'N'}).get(0);
        assertEquals("postgresql", pg.definitionId());
        // The SSLRequest answer (0.9) and the port seen listening (0.5) agree.
        assertEquals(0.95, pg.confidence());
        assertTrue(pg.evidence().stream().anyMatch(e -> e.detail().equals("port 5432 answered postgresql-sslrequest with \"N\"")), pg.toString());
        // The same byte without the greeting that asks for it proves nothing.
        assertTrue(match(5432, null, new byte[] {'N'}).stream().noneMatch(s -> s.evidence().stream().anyMatch(e -> e.rule().equals("postgresql-sslrequest"))));
    }

    @Test
    void aBannerOfSomethingElseDropsThePortGuess() {
        // SSH on MySQL's port is OpenSSH, not MySQL.
        List<DetectedService> found = match(3306, null, "SSH-2.0-OpenSSH_9.2p1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("openssh", found.get(0).definitionId(), found.toString());
        assertTrue(found.stream().noneMatch(s -> s.definitionId().equals("mysql")), found.toString());
    }

    @Test
    void aBannerNoRuleKnowsIsAnUnrecognisedServiceQuotingIt() {
        List<DetectedService> found = match(3306, null, "220 mystery.example ready\r\nmore\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(ServiceMatcher.UNRECOGNISED_BANNER), found.stream().map(DetectedService::definitionId).toList(), found.toString());
        assertEquals("port 3306 announced \"220 mystery.example ready\"; no catalogue rule recognised it", found.get(0).evidence().get(0).detail());
        assertEquals(0.5, found.get(0).confidence());
    }

    @Test
    void greetingsReachTheProbeOnlyAsNamesForTheRulesPort() {
        List<String> specs = Catalogue.builtIn().execProbes();
        assertTrue(specs.containsAll(List.of("6379=redis-ping", "11211=memcached-version", "5432=postgresql-sslrequest")), specs.toString());
        assertTrue(specs.stream().allMatch(s -> Catalogue.PROBE_SPEC.matcher(s).matches()), specs.toString());
        assertTrue(!Catalogue.PROBE_SPEC.matcher("6379=flushall").matches());
        assertTrue(!Catalogue.PROBE_SPEC.matcher("*=redis-ping").matches());
        // The probe holds the greetings' bytes itself.
        assertTrue(ExecProbe.SCRIPT.contains("redis-ping) printf 'PING\\r\\n'"), "redis greeting");
    }

    @Test
    void catalogueFaultsSayWhatToFix(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, """
                {"services": [{"id": "x", "name": "X", "category": "c", "rules": [
                  {"id": "x-b", "banner": {"pattern": "^X", "send": "redis-ping"}, "confidence": 0.9}]}]}
                """);
        CatalogueException e = org.junit.jupiter.api.Assertions.assertThrows(CatalogueException.class, () -> Catalogue.withUserFile(file));
        assertTrue(e.getMessage().contains("banner.send needs the rule's port"), e.getMessage());
        Files.writeString(file, """
                {"services": [{"id": "x", "name": "X", "category": "c", "rules": [
                  {"id": "x-b", "port": 1, "banner": {"pattern": "^X", "send": "flushall"}, "confidence": 0.9}]}]}
                """);
        e = org.junit.jupiter.api.Assertions.assertThrows(CatalogueException.class, () -> Catalogue.withUserFile(file));
        assertTrue(e.getMessage().contains("'flushall' is not a greeting the probe knows"), e.getMessage());
    }
}
