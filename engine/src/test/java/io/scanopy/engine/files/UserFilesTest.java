package io.scanopy.engine.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.files.UserFileException.Fault;
import io.scanopy.engine.files.UserFiles.Kind;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file a setting names is read only when it is a regular file within its kind's cap, and every
 * refusal is one line naming the setting and the path, in bounded time (a named pipe must not
 * block the open). An unreadable file (mode 000) cannot be tested here: the suite runs as root,
 * which reads it anyway.
 */
class UserFilesTest {
    /** Far more than any refusal takes; a read that blocks on a pipe would hit it. */
    private static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private UserFileException refused(Path file, String setting, Kind kind) {
        return assertTimeoutPreemptively(BOUND, () -> assertThrows(UserFileException.class, () -> UserFiles.read(file, setting, kind)));
    }

    private static void assertOneLine(UserFileException e, Fault fault, String expected) {
        assertEquals(fault, e.fault(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aRegularFileAndALinkToOneAreRead() throws Exception {
        Path file = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.pem"), file);
        assertArrayEquals(Files.readAllBytes(file), UserFiles.read(file, "--docker-proxy-ssl-chain", Kind.PEM));
        assertArrayEquals(Files.readAllBytes(file), UserFiles.read(link, "--docker-proxy-ssl-chain", Kind.PEM));
    }

    @Test
    void aNamedPipeIsRefusedWithoutBlocking() throws Exception {
        Path fifo = FileFixtures.fifo(dir.resolve("fifo"));
        assertOneLine(refused(fifo, "--docker-proxy-ssl-cert", Kind.PEM), Fault.WRONG_TYPE,
                "--docker-proxy-ssl-cert " + fifo + ": not a regular file (a named pipe); give the PEM file");
    }

    @Test
    void aLinkToANamedPipeIsRefusedAndSaysSo() throws Exception {
        Path fifo = FileFixtures.fifo(dir.resolve("fifo"));
        Path link = Files.createSymbolicLink(dir.resolve("config.yaml"), fifo);
        assertOneLine(refused(link, "SCANOPY_CONFIG", Kind.CONFIG), Fault.WRONG_TYPE,
                "SCANOPY_CONFIG=" + link + ": not a regular file (a symbolic link to " + fifo + ", a named pipe); give the YAML config file");
    }

    @Test
    void devZeroIsRefusedNotReadUntilMemoryRunsOut() {
        Path zero = Path.of("/dev/zero");
        assertOneLine(refused(zero, "--catalog", Kind.CATALOGUE), Fault.WRONG_TYPE,
                "--catalog /dev/zero: not a regular file (a character device); give the catalogue file (JSON or YAML)");
    }

    @Test
    void aDirectoryIsRefused() {
        assertOneLine(refused(dir, "--config", Kind.CONFIG), Fault.WRONG_TYPE,
                "--config " + dir + ": not a regular file (a directory); give the YAML config file");
    }

    @Test
    void aFileOverTheCapIsRefusedBeforeReading() throws Exception {
        Path big = dir.resolve("big.pem");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(Kind.PEM.cap() + 1L);
        }
        assertOneLine(refused(big, "--docker-proxy-ssl-chain", Kind.PEM), Fault.TOO_LARGE,
                "--docker-proxy-ssl-chain " + big + ": is " + (Kind.PEM.cap() + 1) + " bytes, more than the 1 MiB such a file may be; give the PEM file");
        Files.write(big, new byte[Kind.PEM.cap()]);
        assertEquals(Kind.PEM.cap(), UserFiles.read(big, "--docker-proxy-ssl-chain", Kind.PEM).length, "exactly the cap is accepted");
    }

    @Test
    void aFileThatHidesItsSizeIsReadOnlyUpToTheCap() throws Exception {
        // /proc/kallsyms says 0 bytes and holds megabytes: the bounded read catches what the size cannot.
        Path kallsyms = Path.of("/proc/kallsyms");
        assertEquals(0, Files.size(kallsyms), "precondition: the kernel reports no size for it");
        assertOneLine(refused(kallsyms, "--docker-proxy-ssl-key", Kind.PEM), Fault.TOO_LARGE,
                "--docker-proxy-ssl-key /proc/kallsyms: holds more than the 1 MiB such a file may be; give the PEM file");
    }

    @Test
    void aMissingFileAndADanglingLinkAreNamed() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertOneLine(refused(missing, "--config", Kind.CONFIG), Fault.MISSING,
                "--config " + missing + ": does not exist; check the path (in a container: that its folder is mounted)");
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), missing);
        assertOneLine(refused(link, "--config", Kind.CONFIG), Fault.MISSING,
                "--config " + link + ": a symbolic link to " + missing + ", which does not exist; give the YAML config file");
    }

    @Test
    void aDirectorySettingAcceptsADirectoryOrNothingAndRefusesTheRest() throws Exception {
        String give = "give the folder holding the plugin archives";
        assertTrue(UserFiles.directoryIfPresent(dir, "--plugins-dir", give));
        assertFalse(UserFiles.directoryIfPresent(dir.resolve("none"), "--plugins-dir", give));
        Path file = Files.writeString(dir.resolve("plugins.zip"), "x", StandardCharsets.UTF_8);
        UserFileException e = assertThrows(UserFileException.class, () -> UserFiles.directoryIfPresent(file, "--plugins-dir", give));
        assertOneLine(e, Fault.WRONG_TYPE, "--plugins-dir " + file + ": not a directory (a regular file); " + give);
        Path fifo = FileFixtures.fifo(dir.resolve("fifo"));
        e = assertThrows(UserFileException.class, () -> UserFiles.directoryIfPresent(fifo, "SCANOPY_PLUGINS_DIR", give));
        assertOneLine(e, Fault.WRONG_TYPE, "SCANOPY_PLUGINS_DIR=" + fifo + ": not a directory (a named pipe); " + give);
    }
}
