package io.scanopy.testkit.proxy;

import io.scanopy.spi.DockerEndpoint;
import io.scanopy.spi.inventory.CapabilityReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The capability-matrix report: one row per cell, one column per endpoint, the image each cell
 * ran on and its outcome; written as Markdown and as a self-contained HTML page.
 */
public final class MatrixReport {
    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

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
     * @return the Markdown table
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| cell | image | plugin |");
        for (DockerEndpoint e : DockerEndpoint.values()) {
            sb.append(' ').append(e.method()).append(' ').append(e.pathTemplate().replace("{", "\\{").replace("}", "\\}")).append(" |");
        }
        sb.append(" outcome | result |\n|---|---|---|");
        sb.append("---|".repeat(DockerEndpoint.values().length)).append("---|---|\n");
        for (Row r : sorted()) {
            sb.append("| ").append(r.cell()).append(" | ").append(r.image()).append(" | ").append(r.plugin()).append(" |");
            for (DockerEndpoint e : DockerEndpoint.values()) {
                sb.append(' ').append(r.statuses().getOrDefault(e, "—")).append(" |");
            }
            sb.append(' ').append(r.outcome().replace("|", "\\|")).append(" | ").append(r.passed() ? "pass" : "FAIL").append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @return a self-contained HTML page with the same table
     */
    public String html() {
        StringBuilder sb = new StringBuilder("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>scanopy capability matrix</title>
                <style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;font-size:13px}
                td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f0f0f0}
                .allowed{background:#dff5df}.denied{background:#fde2e2}.pass{color:#176317;font-weight:bold}.FAIL{color:#a00;font-weight:bold}</style>
                </head><body><h1>scanopy capability matrix</h1><table><tr><th>cell</th><th>image</th><th>plugin</th>""");
        for (DockerEndpoint e : DockerEndpoint.values()) {
            sb.append("<th>").append(escape(e.method() + " " + e.pathTemplate())).append("</th>");
        }
        sb.append("<th>outcome</th><th>result</th></tr>\n");
        for (Row r : sorted()) {
            sb.append("<tr><td>").append(escape(r.cell())).append("</td><td>").append(escape(r.image())).append("</td><td>").append(escape(r.plugin())).append("</td>");
            for (DockerEndpoint e : DockerEndpoint.values()) {
                String s = r.statuses().getOrDefault(e, "—");
                sb.append("<td class=\"").append(s.startsWith("allowed") ? "allowed" : s.startsWith("denied") ? "denied" : "").append("\">").append(escape(s)).append("</td>");
            }
            sb.append("<td>").append(escape(r.outcome())).append("</td><td class=\"").append(r.passed() ? "pass" : "FAIL").append("\">")
                    .append(r.passed() ? "pass" : "FAIL").append("</td></tr>\n");
        }
        return sb.append("</table></body></html>\n").toString();
    }

    /**
     * Writes {@code capability-matrix.md} and {@code capability-matrix.html}.
     *
     * @param dir the output folder (for example {@code target/})
     */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("capability-matrix.md"), "# scanopy capability matrix\n\n" + markdown());
            Files.writeString(dir.resolve("capability-matrix.html"), html());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the matrix report to " + dir, e);
        }
    }

    private List<Row> sorted() {
        synchronized (rows) {
            return rows.stream().sorted(java.util.Comparator.comparing(Row::cell)).toList();
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
