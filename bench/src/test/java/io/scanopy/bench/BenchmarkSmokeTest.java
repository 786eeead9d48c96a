package io.scanopy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark from rotting: a small run (N=10, one round, 5 s of daemon steady state)
 * must produce every row — start-up, whole-process and RSS rows included — and the CSV. A
 * missing prerequisite (the tarball, /usr/bin/time) fails the run with its reason; no row is
 * ever left out. Timings are printed, never asserted.
 */
@RequiresDocker
class BenchmarkSmokeTest {
    /** Every row of the table, each by a piece of its text that no other row has (quoted), or a pattern. */
    private static final List<Pattern> ROWS = Stream.concat(Stream.of(
            "bin/scanopy-daemon discover --no-detection, no test containers", "Docker CLI, the same work, no test containers",
            "engine, warm, in-process", "raw API floor: the engine's", "discover --no-detection, whole process", "Docker CLI, whole processes",
            "through Tecnativa", "through wollomatic", "through HTTPS",
            "ours: containers/s, detection phase alone", "ours at the peer's concurrency", "peer design, Scanopy v0.17's pattern", "raw exec floor: exec of `true`",
            "execs per container (ours)", "repeat detection, same detector", "heap after GC", "peak RSS, bin/scanopy-daemon discover",
            "in inventory, after the start call returned", "start event (Docker's time) → in inventory", "kill (Docker's time) → gone",
            "gone from inventory, after docker rm -f returned", "scanopy.event.to.inventory Timer", "burst: 10 containers started at once",
            "steady state: execs the daemon's detector started", "steady state: CPU of the daemon's threads", "steady state: heap used",
            "bin/scanopy-daemon: start → every target ready", "first detection of all containers", "steady state, whole process: CPU",
            "steady state, whole process: execs the daemon started", "RSS after steady state", "peak RSS so far",
            "SIGTERM → exited (exit code 0)").map(Pattern::quote),
            Stream.of("GET /api/inventory \\(\\d+ kB\\), 8 clients: requests/s", "GET /api/inventory \\(\\d+ kB\\), 8 clients: p99",
                    "If-None-Match \\(304\\), 8 clients.*: requests/s", "If-None-Match \\(304\\), 8 clients.*: p99",
                    "floor: the same bytes.*: requests/s", "floor: the same bytes.*: p99"))
            .map(Pattern::compile).toList();

    @Test
    void aMissingPrerequisiteStopsTheRunWithItsReason() {
        Path plugins = Path.of(System.getProperty("scanopy.bench.plugins"));
        Path out = Path.of(System.getProperty("scanopy.bench.out"));
        Path dist = Path.of(System.getProperty("scanopy.bench.distribution"));
        Path noTarball = out.resolve("no-such-scanopy-daemon.tar.gz");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DiscoveryBenchmark.requirePrerequisites(new DiscoveryBenchmark.Config(10, 1, plugins, noTarball, out, 5), DiscoveryBenchmark.TIME));
        assertTrue(e.getMessage().contains("distribution tarball is missing (" + noTarball + ")"), e.getMessage());
        Path noTime = out.resolve("no-such-time");
        e = assertThrows(IllegalStateException.class,
                () -> DiscoveryBenchmark.requirePrerequisites(new DiscoveryBenchmark.Config(10, 1, plugins, dist, out, 5), noTime));
        assertTrue(e.getMessage().contains(noTime + " is missing") && e.getMessage().contains("apt-get install -y time"), e.getMessage());
    }

    @Test
    void aSmallRunProducesTheWholeTable() throws Exception {
        Path out = Path.of(System.getProperty("scanopy.bench.out"));
        // Fails with the reason (which file, how to get it) when the tarball or /usr/bin/time is missing.
        String table = new DiscoveryBenchmark(new DiscoveryBenchmark.Config(10, 1, Path.of(System.getProperty("scanopy.bench.plugins")),
                Path.of(System.getProperty("scanopy.bench.distribution")), out, 5)).run();
        System.out.println(table);
        List<String> tableRows = table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| group")).toList();
        for (Pattern row : ROWS) {
            List<String> matching = tableRows.stream().filter(l -> row.matcher(l).find()).toList();
            assertEquals(1, matching.size(), "row missing or not unique: " + row + "\n" + table);
            assertTrue(!matching.get(0).contains("| NaN"), "row without a figure: " + matching.get(0));
        }
        assertEquals(ROWS.size(), tableRows.size(), "rows the smoke test does not know (add them to ROWS):\n" + table);
        assertEquals(tableRows.size() + 1, Files.readString(out.resolve("bench-N10.csv")).lines().count(), "the CSV has one line per row and a header");
    }
}
