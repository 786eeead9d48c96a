package io.scanopy.testkit;

import io.scanopy.engine.plugin.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a plugin the two ways the engine supports, from the files the build produced: pf4j
 * archives from a plugins folder, and jars on a class path seen through ServiceLoader.
 */
public final class PluginFixtures {
    private PluginFixtures() {
    }

    /**
     * Loads plugin archives through pf4j, as the distribution does. The archives are copied to
     * a fresh folder first, because pf4j unpacks next to them.
     *
     * @param archivesDir the folder holding the {@code *-plugin.zip} files
     * @param workDir an empty folder for the copy
     * @return the registry (no classpath plugins)
     */
    public static PluginRegistry fromArchives(Path archivesDir, Path workDir) {
        try (Stream<Path> files = Files.list(archivesDir)) {
            for (Path archive : files.filter(f -> f.toString().endsWith(".zip") || f.toString().endsWith(".jar")).toList()) {
                Files.copy(archive, workDir.resolve(archive.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy plugin archives from " + archivesDir, e);
        }
        return PluginRegistry.load(workDir, null);
    }

    /**
     * Loads plugin jars through ServiceLoader, as an application embedding the engine would
     * with the jars on its class path.
     *
     * @param jarsDir the folder holding the plugin jars
     * @return the registry (no pf4j plugins)
     */
    public static PluginRegistry fromClasspathJars(Path jarsDir) {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(jarsDir)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jarsDir, e);
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), PluginFixtures.class.getClassLoader());
        return PluginRegistry.load(null, loader);
    }

    /**
     * A folder passed to the tests by the build as a system property.
     *
     * @param property the property name
     * @return the folder
     */
    public static Path builtFolder(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests through Maven (scripts/test.sh), which builds the plugins first");
        }
        return Path.of(value);
    }
}
