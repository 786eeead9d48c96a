package io.scanopy.testkit.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.inventory.CapabilityReport;
import io.scanopy.testkit.EngineUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The capability-matrix report: one row per cell, one column per endpoint, the image each cell
 * ran on and its outcome; written as Markdown and as a self-contained HTML page. The matrix runs
 * on several engines, one test run each: every run saves its rows under the engine's name, and
 * the report shows all the engines' saved rows side by side.
 */
public final class MatrixReport {
    /** The system property selecting cells, as name prefixes separated by {@code ;}; unset: every cell. */
    public static final String CELLS_PROPERTY = "scanopy.test.matrixCells";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

    /**
     * Whether this run includes a cell ({@value #CELLS_PROPERTY}): a run on a further engine
     * repeats a subset of the matrix.
     *
     * @param cell the cell's name
     * @return true when no selection is set or one of its prefixes starts the name
     */
    public static boolean selected(String cell) {
        String selection = System.getProperty(CELLS_PROPERTY, "").strip();
        return selection.isEmpty() || Arrays.stream(selection.split(";")).map(String::strip).filter(p -> !p.isEmpty()).anyMatch(cell::startsWith);
    }

    /**
     * One cell's result.
     *
     * @param cell the cell name
     * @param image the image it ran on ("-" for none)
     * @param plugin the plugin that served it
     * @param statuses per endpoint: allowed, denied (HTTP status), not-checked; empty when the
     *     target could not be negotiated
     * @param outcome the discovery outcome in a few words
     * @param passed whether the cell's assertions passed
     */
    public record Row(String cell, String image, String plugin, Map<DockerEndpoint, String> statuses, String outcome, boolean passed) {
    }

    /**
     * @param row a cell's result
     */
    public void add(Row row) {
        rows.add(row);
    }

    /**
     * Renders a check as a cell of the table.
     *
     * @param check the check
     * @return {@code allowed}, {@code denied 403 (proxy)}, {@code not checked}, {@code error 500} or {@code not Docker (HTTP 200)}
     */
    public static String status(CapabilityReport.Check check) {
        return switch (check.status()) {
            case ALLOWED -> "allowed";
            case NOT_CHECKED -> "not checked";
            case DENIED -> "denied " + check.httpStatus() + " (" + check.deniedBy() + ")";
            case ERROR -> "error " + check.httpStatus();
            case NOT_DOCKER -> "not Docker (HTTP " + check.httpStatus() + ")";
        };
    }

    /**
     * @return this run's table, in Markdown
     */
    public String markdown() {
        return markdownTable(sorted(rows));
    }

    /**
     * Saves this run's rows as {@code capability-matrix/<engine>.json} (the engine under test, see
     * {@link EngineUnderTest}), then writes {@code capability-matrix.md} and
     * {@code capability-matrix.html} from the rows saved there by every engine's run: a column
     * per engine saying how each cell fared on it, then each engine's full table.
     *
     * @param dir the output folder (for example {@code target/})
     */
    public void write(Path dir) {
        write(dir, EngineUnderTest.describe());
    }

    /**
     * Like {@link #write(Path)}, for rows recorded on the given engine.
     *
     * @param dir the output folder
     * @param engine the engine this run's rows were recorded on
     */
    public void write(Path dir, EngineUnderTest.Description engine) {
        EngineRows mine = new EngineRows(engine, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), sorted(rows));
        Path saved = dir.resolve("capability-matrix");
        try {
            Files.createDirectories(saved);
            JSON.writerWithDefaultPrettyPrinter().writeValue(saved.resolve(mine.engine().name() + ".json").toFile(), mine);
            List<EngineRows> engines = new ArrayList<>();
            try (Stream<Path> files = Files.list(saved)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    engines.add(JSON.readValue(file.toFile(), EngineRows.class));
                }
            }
            Files.writeString(dir.resolve("capability-matrix.md"), mergedMarkdown(engines));
            Files.writeString(dir.resolve("capability-matrix.html"), mergedHtml(engines));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the matrix report to " + dir, e);
        }
    }

    /**
     * One engine's saved rows.
     *
     * @param engine the engine the rows were recorded on
     * @param recorded when (ISO-8601, UTC)
     * @param rows its rows, ordered by cell
     */
    public record EngineRows(EngineUnderTest.Description engine, String recorded, List<Row> rows) {
        Optional<Row> row(String cell) {
            return rows.stream().filter(r -> r.cell().equals(cell)).findFirst();
        }
    }

    /** Every cell any engine ran, in order. */
    private static List<String> cells(List<EngineRows> engines) {
        return engines.stream().flatMap(e -> e.rows().stream()).map(Row::cell).distinct().sorted().toList();
    }

    /** How a cell fared on one engine: pass, FAIL or not run. */
    private static String result(EngineRows engine, String cell) {
        return engine.row(cell).map(r -> r.passed() ? "pass" : "FAIL").orElse("not run");
    }

    /** Whether the engines that ran a cell answered each endpoint alike ("—" when fewer than two ran it). */
    private static String alike(List<EngineRows> engines, String cell) {
        List<Row> ran = engines.stream().flatMap(e -> e.row(cell).stream()).toList();
        if (ran.size() < 2) {
            return "—";
        }
        boolean same = ran.stream().allMatch(r -> r.statuses().equals(ran.get(0).statuses()) && r.plugin().equals(ran.get(0).plugin()));
        return same ? "yes" : "no";
    }

    private static String mergedMarkdown(List<EngineRows> engines) {
        StringBuilder sb = new StringBuilder("# scanopy capability matrix\n\n| cell |");
        engines.forEach(e -> sb.append(' ').append(e.engine()).append(" |"));
        sb.append(" same endpoint answers |\n|---|").append("---|".repeat(engines.size())).append("---|\n");
        for (String cell : cells(engines)) {
            sb.append("| ").append(cell).append(" |");
            engines.forEach(e -> sb.append(' ').append(result(e, cell)).append(" |"));
            sb.append(' ').append(alike(engines, cell)).append(" |\n");
        }
        for (EngineRows e : engines) {
            sb.append("\n## ").append(e.engine()).append("\n\nRecorded ").append(e.recorded()).append(".\n\n").append(markdownTable(e.rows()));
        }
        return sb.toString();
    }

    private static String markdownTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| cell | image | plugin |");
        for (DockerEndpoint e : DockerEndpoint.values()) {
            sb.append(' ').append(e.method()).append(' ').append(e.pathTemplate().replace("{", "\\{").replace("}", "\\}")).append(" |");
        }
        sb.append(" outcome | result |\n|---|---|---|");
        sb.append("---|".repeat(DockerEndpoint.values().length)).append("---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.cell()).append(" | ").append(r.image()).append(" | ").append(r.plugin()).append(" |");
            for (DockerEndpoint e : DockerEndpoint.values()) {
                sb.append(' ').append(r.statuses().getOrDefault(e, "—")).append(" |");
            }
            sb.append(' ').append(r.outcome().replace("|", "\\|")).append(" | ").append(r.passed() ? "pass" : "FAIL").append(" |\n");
        }
        return sb.toString();
    }

    private static String mergedHtml(List<EngineRows> engines) {
        StringBuilder sb = new StringBuilder("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>scanopy capability matrix</title>
                <style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;font-size:13px}
                td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f0f0f0}
                .allowed{background:#dff5df}.denied{background:#fde2e2}.pass{color:#176317;font-weight:bold}.FAIL{color:#a00;font-weight:bold}</style>
                </head><body><h1>scanopy capability matrix</h1><table><tr><th>cell</th>""");
        engines.forEach(e -> sb.append("<th>").append(escape(e.engine().toString())).append("</th>"));
        sb.append("<th>same endpoint answers</th></tr>\n");
        for (String cell : cells(engines)) {
            sb.append("<tr><td>").append(escape(cell)).append("</td>");
            for (EngineRows e : engines) {
                String result = result(e, cell);
                sb.append("<td class=\"").append(result).append("\">").append(result).append("</td>");
            }
            sb.append("<td>").append(alike(engines, cell)).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        for (EngineRows e : engines) {
            sb.append("<h2>").append(escape(e.engine().toString())).append("</h2><p>Recorded ").append(escape(e.recorded())).append(".</p>\n")
                    .append(htmlTable(e.rows()));
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String htmlTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder("<table><tr><th>cell</th><th>image</th><th>plugin</th>");
        for (DockerEndpoint e : DockerEndpoint.values()) {
            sb.append("<th>").append(escape(e.method() + " " + e.pathTemplate())).append("</th>");
        }
        sb.append("<th>outcome</th><th>result</th></tr>\n");
        for (Row r : rows) {
            sb.append("<tr><td>").append(escape(r.cell())).append("</td><td>").append(escape(r.image())).append("</td><td>").append(escape(r.plugin())).append("</td>");
            for (DockerEndpoint e : DockerEndpoint.values()) {
                String s = r.statuses().getOrDefault(e, "—");
                sb.append("<td class=\"").append(s.startsWith("allowed") ? "allowed" : s.startsWith("denied") ? "denied" : "").append("\">").append(escape(s)).append("</td>");
            }
            sb.append("<td>").append(escape(r.outcome())).append("</td><td class=\"").append(r.passed() ? "pass" : "FAIL").append("\">")
                    .append(r.passed() ? "pass" : "FAIL").append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    private static List<Row> sorted(List<Row> rows) {
        synchronized (rows) {
            return rows.stream().sorted(java.util.Comparator.comparing(Row::cell)).toList();
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
