package io.scanopy.engine.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real special files for the file tests: a named pipe made with mkfifo, and small tmpfs file
 * systems (full, read-only) mounted for the test and unmounted after. Mounting needs root, which
 * is how the suite runs (the Docker tests need it too).
 */
final class FileFixtures {
    private FileFixtures() {
    }

    static Path fifo(Path path) throws IOException, InterruptedException {
        run("mkfifo", path.toString());
        return path;
    }

    /** A tmpfs of the given size (in KiB) at {@code dir}; close it to unmount. */
    static Mount tmpfs(Path dir, int kib, boolean readOnly) throws IOException, InterruptedException {
        run("mount", "-t", "tmpfs", "-o", (readOnly ? "ro," : "") + "size=" + kib + "k", "scanopy-test", dir.toString());
        return new Mount(dir);
    }

    /** A mounted tmpfs. */
    record Mount(Path dir) implements AutoCloseable {
        /** Remounts it read-write or read-only. */
        void remount(boolean readOnly) throws IOException, InterruptedException {
            run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), dir.toString());
        }

        @Override
        public void close() throws IOException, InterruptedException {
            run("umount", dir.toString());
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }
}
