package io.scanopy.engine.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.files.UserFileException.Fault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} writes where the user meant: a regular file or a new one, through a symbolic
 * link to its target, atomically; anything else is refused in one line naming the user's path
 * (never our temporary file), and the previous file survives every failure. The full and the
 * read-only file systems are real tmpfs mounts (the suite runs as root); permission denied
 * cannot be shown as root.
 */
class OutputFileTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final byte[] NEW = "{\"new\":true}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static UserFileException refusedAtCheck(Path path) {
        return assertTimeoutPreemptively(BOUND, () -> assertThrows(UserFileException.class, () -> OutputFile.check(path, "--out")));
    }

    private static void assertOneLine(UserFileException e, Fault fault, String expected) {
        assertEquals(fault, e.fault(), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains(".tmp"), "one line, no temporary file: " + e.getMessage());
        assertEquals(expected, e.getMessage());
    }

    private static List<Path> list(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void replacesAtomicallyKeepingTheModeAndLeavingNoTemporaryFile() throws Exception {
        Path out = Files.writeString(dir.resolve("inventory.json"), "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
        OutputFile.check(out, "--out").write(NEW);
        assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(out));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(List.of(out), list(dir));
    }

    @Test
    void createsAFileThatIsNotThereYet() throws Exception {
        Path out = dir.resolve("new.json");
        OutputFile file = OutputFile.check(out, "--out");
        assertEquals(List.of(), list(dir), "the check leaves nothing behind");
        file.write(NEW);
        assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(out));
        // As a shell's "> FILE" would create it: 0666 less the umask, which is what touch gives too.
        Path touched = dir.resolve("touched");
        FileFixtures.run("touch", touched.toString());
        assertEquals(Files.getPosixFilePermissions(touched), Files.getPosixFilePermissions(out));
    }

    @Test
    void writesThroughASymbolicLinkToItsTarget() throws Exception {
        Path targets = Files.createDirectory(dir.resolve("data"));
        Path target = Files.writeString(targets.resolve("inventory.json"), "old");
        Path links = Files.createDirectory(dir.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("out.json"), Path.of("../data/inventory.json"));
        OutputFile.check(link, "--out").write(NEW);
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target), "the target has the new inventory");
        assertEquals(List.of(target), list(targets));
        assertEquals(List.of(link), list(links));

        // A link to a file not there yet: the file is created where the link points.
        Path dangling = Files.createSymbolicLink(links.resolve("later.json"), targets.resolve("later.json"));
        OutputFile.check(dangling, "--out").write(NEW);
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(targets.resolve("later.json")));
    }

    @Test
    void aDeviceIsRefusedAndLeftADevice() throws Exception {
        Path full = Path.of("/dev/full");
        assertOneLine(refusedAtCheck(full), Fault.WRONG_TYPE,
                "--out /dev/full: not a regular file (a character device); give the path of a file to write, or of none yet");
        assertEquals(0020000, (Integer) Files.getAttribute(full, "unix:mode") & 0170000, "/dev/full is still a character device");
    }

    @Test
    void aNamedPipeAndALinkToOneAreRefusedWithoutBlocking() throws Exception {
        Path fifo = FileFixtures.fifo(dir.resolve("fifo"));
        assertOneLine(refusedAtCheck(fifo), Fault.WRONG_TYPE,
                "--out " + fifo + ": not a regular file (a named pipe); give the path of a file to write, or of none yet");
        Path link = Files.createSymbolicLink(dir.resolve("out.json"), fifo);
        assertOneLine(refusedAtCheck(link), Fault.WRONG_TYPE,
                "--out " + link + ": not a regular file (a symbolic link to " + fifo + ", a named pipe); give the path of a file to write, or of none yet");
        assertEquals(0010000, (Integer) Files.getAttribute(fifo, "unix:mode") & 0170000, "the pipe is still a pipe");
    }

    @Test
    void aDirectoryIsRefused() {
        assertOneLine(refusedAtCheck(dir), Fault.WRONG_TYPE,
                "--out " + dir + ": is a directory; give a file path in it, such as " + dir.resolve("inventory.json"));
    }

    @Test
    void aMissingDirectoryIsNamedNotOurTemporaryFile() {
        Path out = dir.resolve("no-such-dir/inventory.json");
        assertOneLine(refusedAtCheck(out), Fault.MISSING,
                "--out " + out + ": the directory " + dir.resolve("no-such-dir") + " does not exist; create it or give a path in an existing one");
    }

    @Test
    void aReadOnlyFileSystemIsNamedAndThePreviousFileKept() throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("ro"));
        try (FileFixtures.Mount mount = FileFixtures.tmpfs(mountPoint, 64, false)) {
            Path out = Files.writeString(mountPoint.resolve("inventory.json"), "old");
            OutputFile file = OutputFile.check(out, "--out");
            mount.remount(true);
            String expected = "--out " + out + ": the directory " + mountPoint + " is on a read-only file system; give a path on a writable one (in a container: a writable volume)";
            assertOneLine(refusedAtCheck(out), Fault.READ_ONLY, expected);
            assertOneLine(assertThrows(UserFileException.class, () -> file.write(NEW)), Fault.READ_ONLY, expected);
            assertEquals("old", Files.readString(out));
            mount.remount(false);
        }
    }

    @Test
    void aFullDiskIsNamedAndThePreviousFileKept() throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("full"));
        try (FileFixtures.Mount mount = FileFixtures.tmpfs(mountPoint, 64, false)) {
            Path out = mountPoint.resolve("inventory.json");
            OutputFile file = OutputFile.check(out, "--out");
            file.write("old".getBytes(StandardCharsets.UTF_8));
            // Larger than the whole file system: the write runs out of space part-way.
            byte[] large = new byte[128 * 1024];
            UserFileException e = assertThrows(UserFileException.class, () -> file.write(large));
            assertOneLine(e, Fault.FULL, "--out " + out + ": the disk holding " + mountPoint
                    + " is full (No space left on device); free space there, or give a path on another disk; the previous file is kept");
            assertEquals("old", Files.readString(out));
            assertEquals(List.of(out), list(mountPoint), "the partial temporary file is removed");
            file.write(NEW);
            assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(out), "writes again once there is room");
        }
    }

    @Test
    void theRootDirectoryAndALinkLoopAreRefused() throws Exception {
        assertOneLine(refusedAtCheck(Path.of("/")), Fault.WRONG_TYPE, "--out /: is the root directory; give a file path");
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        assertOneLine(refusedAtCheck(a), Fault.WRONG_TYPE, "--out " + a + ": too many levels of symbolic links; give a file path");
        assertTrue(Files.isSymbolicLink(a) && Files.isSymbolicLink(b), "both links are left as they were");
    }
}
