package io.scanopy.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark from rotting: a small run (N=10, one round, 5 s of daemon steady state)
 * must produce every row and the CSV. Timings are printed, never asserted.
 */
@RequiresDocker
class BenchmarkSmokeTest {
    @Test
    void aSmallRunProducesTheWholeTable() throws Exception {
        Path out = Path.of(System.getProperty("scanopy.bench.out"));
        Path dist = Path.of(System.getProperty("scanopy.bench.distribution"));
        String table = new DiscoveryBenchmark(new DiscoveryBenchmark.Config(10, 1, Path.of(System.getProperty("scanopy.bench.plugins")),
                requireFile(dist), out, 5)).run();
        System.out.println(table);
        for (String row : new String[] {"engine, warm, in-process", "docker inspect", "raw API floor", "through Tecnativa", "through wollomatic",
                "through HTTPS", "containers/s with exec detection", "raw exec floor", "execs per container", "repeat discovery", "heap after GC",
                "in inventory, after the start call returned", "start event (Docker's time) → in inventory", "kill (Docker's time) → gone",
                "gone from inventory, after docker rm -f returned", "scanopy.event.to.inventory Timer", "burst: 10 containers started at once",
                "steady state: exec_create events", "steady state: CPU of the daemon's threads", "steady state: heap used",
                "bin/scanopy-daemon: start → every target ready", "first detection of all containers", "steady state, whole process: CPU",
                "steady state, whole process: exec_create", "RSS after steady state", "peak RSS so far", "GET /api/inventory (", "with If-None-Match (304)",
                "floor: the same bytes", "SIGTERM → exited (exit code 0)"}) {
            assertTrue(table.contains(row), "row missing: " + row + "\n" + table);
        }
        assertTrue(Files.readString(out.resolve("bench-N10.csv")).lines().count() >= 30);
    }

    /** The whole-process rows need the tarball: without it the run would leave them out silently. */
    private static Path requireFile(Path dist) {
        assertTrue(Files.isRegularFile(dist), "the distribution tarball is missing (" + dist + "): build the dist module first");
        return dist;
    }
}
