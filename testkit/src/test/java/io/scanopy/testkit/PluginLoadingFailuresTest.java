package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.plugin.PluginLoadFailure;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.engine.plugin.PluginSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken plugin archives beside the real ones: each is reported with its name and the reason,
 * and the real plugins still load.
 */
class PluginLoadingFailuresTest {

    @Test
    void eachBrokenArchiveIsReportedAndTheOthersStillLoad(@TempDir Path work) throws Exception {
        Path archives = Files.createDirectory(work.resolve("archives"));
        writeArchive(archives.resolve("no-id.zip"), Map.of("Plugin-Version", "1.0.0"), null);
        writeArchive(archives.resolve("future.zip"), Map.of("Plugin-Id", "future-plugin", "Plugin-Version", "1.0.0", "Plugin-Requires", ">=9.0.0"), null);
        writeArchive(archives.resolve("ghost.zip"), Map.of("Plugin-Id", "ghost-plugin", "Plugin-Version", "1.0.0", "Plugin-Requires", ">=1.0.0"),
                "com.example.GhostPlugin\n");
        Files.writeString(archives.resolve("corrupt.zip"), "this is not a zip");
        // A library's service file (MINA SSHD's file-system provider, say) declares nothing of the plugin's.
        writeArchive(archives.resolve("lib-services.zip"), Map.of("Plugin-Id", "lib-services-plugin", "Plugin-Version", "1.0.0", "Plugin-Requires", ">=1.0.0"),
                null, Map.of("META-INF/services/java.nio.file.spi.FileSystemProvider", "com.example.LibraryFileSystemProvider\n"));
        try (var built = Files.list(PluginFixtures.builtFolder("scanopy.test.pluginArchives"))) {
            for (Path p : built.toList()) {
                Files.copy(p, archives.resolve(p.getFileName()));
            }
        }

        try (PluginRegistry registry = PluginFixtures.fromArchives(archives, Files.createDirectory(work.resolve("plugins")))) {
            assertEquals(List.of("docker-direct", "docker-proxy-linuxserver", "docker-proxy-tecnativa", "docker-proxy-wollomatic"), registry.plugins().stream().map(p -> p.id()).toList());
            assertEquals(PluginSource.ARCHIVE, registry.plugins().get(0).source());

            Map<String, String> reasons = registry.failures().stream().collect(Collectors.toMap(PluginLoadFailure::name, PluginLoadFailure::reason));
            assertEquals(5, reasons.size(), reasons.toString());
            assertEquals("declares no DockerAccessPlugin extension (no META-INF/services/io.scanopy.spi.DockerAccessPlugin in the archive)", reasons.get("lib-services-plugin"));
            assertTrue(reasons.get("no-id.zip").contains("id"), reasons.get("no-id.zip"));
            assertTrue(reasons.get("future-plugin").contains("requires SPI >=9.0.0") && reasons.get("future-plugin").contains("provides SPI " + io.scanopy.spi.SpiVersion.CURRENT), reasons.get("future-plugin"));
            assertTrue(reasons.get("ghost-plugin").contains("class com.example.GhostPlugin is declared but missing"), reasons.get("ghost-plugin"));
            assertTrue(reasons.get("corrupt.zip").contains("not a valid zip/jar archive"), reasons.get("corrupt.zip"));
        }
    }

    /**
     * Archives that are not files — a named pipe (opening it would wait for a writer) and a link
     * to /dev/zero — are reported by name and skipped, in bounded time; the real plugins load.
     */
    @Test
    void anArchiveThatIsNotAFileIsReportedNotOpened(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectory(work.resolve("plugins"));
        try (var built = Files.list(PluginFixtures.builtFolder("scanopy.test.pluginArchives"))) {
            for (Path p : built.toList()) {
                Files.copy(p, plugins.resolve(p.getFileName()));
            }
        }
        Path pipe = plugins.resolve("pipe.zip");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor(), "mkfifo");
        Files.createSymbolicLink(plugins.resolve("zero.jar"), Path.of("/dev/zero"));

        try (PluginRegistry registry = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> PluginRegistry.load(plugins, null))) {
            assertEquals(List.of("docker-direct", "docker-proxy-linuxserver", "docker-proxy-tecnativa", "docker-proxy-wollomatic"), registry.plugins().stream().map(p -> p.id()).toList());
            Map<String, String> reasons = registry.failures().stream().collect(Collectors.toMap(PluginLoadFailure::name, PluginLoadFailure::reason));
            assertEquals(Map.of("pipe.zip", "not a regular file (a named pipe) — replace it with the plugin's release archive",
                    "zero.jar", "not a regular file (a symbolic link to /dev/zero, a character device) — replace it with the plugin's release archive"), reasons);
        }
    }

    /** A pf4j archive laid out as ours: classes/META-INF/MANIFEST.MF and an extension index. */
    private static void writeArchive(Path zip, Map<String, String> manifestEntries, String services) throws IOException {
        writeArchive(zip, manifestEntries, services, Map.of());
    }

    /** As above, with lib/library.jar holding the given files (a bundled library). */
    private static void writeArchive(Path zip, Map<String, String> manifestEntries, String services, Map<String, String> libraryFiles) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifestEntries.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("classes/META-INF/MANIFEST.MF"));
            manifest.write(z);
            z.closeEntry();
            if (services != null) {
                z.putNextEntry(new ZipEntry("classes/META-INF/services/io.scanopy.spi.DockerAccessPlugin"));
                z.write(services.getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
            if (!libraryFiles.isEmpty()) {
                java.io.ByteArrayOutputStream jar = new java.io.ByteArrayOutputStream();
                try (ZipOutputStream library = new ZipOutputStream(jar)) {
                    for (Map.Entry<String, String> file : libraryFiles.entrySet()) {
                        library.putNextEntry(new ZipEntry(file.getKey()));
                        library.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                        library.closeEntry();
                    }
                }
                z.putNextEntry(new ZipEntry("lib/library.jar"));
                z.write(jar.toByteArray());
                z.closeEntry();
            }
        }
    }
}
