package io.scanopy.testkit.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.DockerEndpoint;
import io.scanopy.testkit.EngineUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report merges the rows each engine's run saved: a column per engine, then each engine's table. */
class MatrixReportTest {
    private static final EngineUnderTest.Description OLD = new EngineUnderTest.Description("docker", "20.10.24+dfsg1", "1.41");
    private static final EngineUnderTest.Description NEW = new EngineUnderTest.Description("docker26", "26.1.5+dfsg1", "1.45");

    private static MatrixReport.Row row(String cell, String ping, boolean passed) {
        return new MatrixReport.Row(cell, "- (socket)", "docker-direct", Map.of(DockerEndpoint.PING, ping), "discovers", passed);
    }

    @Test
    void eachEnginesRunAddsItsColumn(@TempDir Path dir) throws Exception {
        MatrixReport first = new MatrixReport();
        first.add(row("direct socket", "allowed", true));
        first.add(row("proxy", "allowed", true));
        first.add(row("only here", "allowed", false));
        first.write(dir, OLD);
        MatrixReport second = new MatrixReport();
        second.add(row("direct socket", "allowed", true));
        second.add(row("proxy", "denied 403 (proxy)", true));
        second.write(dir, NEW);

        String md = Files.readString(dir.resolve("capability-matrix.md"));
        List<String> lines = md.lines().toList();
        assertTrue(lines.contains("| cell | docker 20.10.24+dfsg1 (API 1.41) | docker26 26.1.5+dfsg1 (API 1.45) | same endpoint answers |"), md);
        assertTrue(lines.contains("| direct socket | pass | pass | yes |"), md);
        assertTrue(lines.contains("| proxy | pass | pass | no |"), md);
        assertTrue(lines.contains("| only here | FAIL | not run | — |"), md);
        assertTrue(lines.contains("## docker 20.10.24+dfsg1 (API 1.41)") && lines.contains("## docker26 26.1.5+dfsg1 (API 1.45)"), md);
        String html = Files.readString(dir.resolve("capability-matrix.html"));
        assertTrue(html.contains("<th>docker26 26.1.5+dfsg1 (API 1.45)</th>"), html);

        // A run again on one engine replaces that engine's rows only.
        MatrixReport again = new MatrixReport();
        again.add(row("direct socket", "allowed", false));
        again.write(dir, NEW);
        List<String> merged = Files.readString(dir.resolve("capability-matrix.md")).lines().toList();
        assertTrue(merged.contains("| direct socket | pass | FAIL | yes |"), merged.toString());
        assertTrue(merged.contains("| proxy | pass | not run | — |"), merged.toString());
        try (var saved = Files.list(dir.resolve("capability-matrix"))) {
            assertEquals(2, saved.count(), "one saved file per engine");
        }
    }

    @Test
    void aRunSelectsCellsByNamePrefix() {
        String before = System.getProperty(MatrixReport.CELLS_PROPERTY);
        try {
            System.clearProperty(MatrixReport.CELLS_PROPERTY);
            assertTrue(MatrixReport.selected("wollomatic without exec"), "no selection: every cell");
            System.setProperty(MatrixReport.CELLS_PROPERTY, "direct socket; https good");
            assertTrue(MatrixReport.selected("https good (EC PKCS#1 key)"));
            assertTrue(MatrixReport.selected("direct socket"));
            assertFalse(MatrixReport.selected("https wrong CA"));
        } finally {
            if (before == null) {
                System.clearProperty(MatrixReport.CELLS_PROPERTY);
            } else {
                System.setProperty(MatrixReport.CELLS_PROPERTY, before);
            }
        }
    }
}
