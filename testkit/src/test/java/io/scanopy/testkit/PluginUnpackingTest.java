package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a plugin zip is loaded from: its unpacked folder beside it, used as it is while it is no
 * older than the zip (so a read-only plugins folder unpacked in advance, as in the image, needs no
 * writing), and unpacked again when the zip is newer. A read-only folder without an unpacked copy
 * is unpacked under java.io.tmpdir; that needs a read-only mount, so ImageIT tests it in a
 * container with the folder mounted {@code :ro}.
 */
class PluginUnpackingTest {

    @Test
    void anUpToDateUnpackedFolderIsUsedAsItIsAndAStaleOneIsUnpackedAgain(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectory(work.resolve("plugins"));
        try (PluginRegistry first = PluginFixtures.fromArchives(PluginFixtures.builtFolder("scanopy.test.pluginArchives"), plugins)) {
            assertTrue(first.find("docker-direct").isPresent(), first.failures().toString());
        }
        Path zip;
        try (var files = Files.list(plugins)) {
            zip = files.filter(p -> p.getFileName().toString().matches("docker-direct-.*\\.zip")).findFirst().orElseThrow();
        }
        Path unpacked = zip.resolveSibling(zip.getFileName().toString().replaceFirst("\\.zip$", ""));
        Path marker = unpacked.resolve("left-by-the-test");
        Files.writeString(marker, "x");
        // The same time as the zip counts as up to date (pf4j unpacks only when the zip is newer).
        Files.setLastModifiedTime(unpacked, Files.getLastModifiedTime(zip));

        try (PluginRegistry again = PluginRegistry.load(plugins, null)) {
            LoadedPlugin direct = again.find("docker-direct").orElseThrow();
            assertEquals(unpacked.toString(), direct.location());
            assertTrue(Files.exists(marker), "the up-to-date folder was used as it is, not unpacked again");
        }

        Files.setLastModifiedTime(zip, FileTime.from(Instant.now().plusSeconds(60)));
        try (PluginRegistry stale = PluginRegistry.load(plugins, null)) {
            assertEquals(unpacked.toString(), stale.find("docker-direct").orElseThrow().location());
            assertFalse(Files.exists(marker), "a zip newer than its folder is unpacked again");
        }
    }
}
