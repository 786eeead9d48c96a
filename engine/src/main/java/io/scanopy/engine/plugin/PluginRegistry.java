package io.scanopy.engine.plugin;

import io.scanopy.engine.files.UserFiles;
import io.scanopy.spi.DockerAccessPlugin;
import io.scanopy.spi.SpiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.pf4j.DefaultExtensionFinder;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.ServiceProviderExtensionFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins the engine can use: pf4j archives from a plugins directory and, for the same
 * extension classes, {@link ServiceLoader} providers on the classpath. An archive wins over a
 * classpath provider with the same id. A plugin that fails to load is kept as a
 * {@link PluginLoadFailure}; the others still load.
 */
public final class PluginRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);

    private final List<LoadedPlugin> plugins;
    private final List<PluginLoadFailure> failures;
    private final DefaultPluginManager pluginManager;
    private final PluginUnpacker unpacker;

    private PluginRegistry(List<LoadedPlugin> plugins, List<PluginLoadFailure> failures, DefaultPluginManager pluginManager, PluginUnpacker unpacker) {
        this.plugins = List.copyOf(plugins);
        this.failures = List.copyOf(failures);
        this.pluginManager = pluginManager;
        this.unpacker = unpacker;
    }

    /**
     * Loads plugins.
     *
     * @param pluginsDir the pf4j plugins directory, or null for none
     * @param classLoader where to look for {@link ServiceLoader} providers, or null for none
     * @return the registry; close it to stop the pf4j plugins
     */
    public static PluginRegistry load(Path pluginsDir, ClassLoader classLoader) {
        Map<String, LoadedPlugin> byId = new LinkedHashMap<>();
        List<PluginLoadFailure> failures = new ArrayList<>();
        DefaultPluginManager manager = null;
        PluginUnpacker unpacker = new PluginUnpacker();
        if (pluginsDir != null) {
            manager = newPluginManager(pluginsDir);
            loadArchives(manager, unpacker, pluginsDir, byId, failures);
        }
        if (classLoader != null) {
            loadClasspath(classLoader, byId, failures);
        }
        List<LoadedPlugin> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(LoadedPlugin::id));
        return new PluginRegistry(sorted, failures, manager, unpacker);
    }

    /**
     * @return the usable plugins, ordered by id
     */
    public List<LoadedPlugin> plugins() {
        return plugins;
    }

    /**
     * @return the plugins that failed to load, with the reason
     */
    public List<PluginLoadFailure> failures() {
        return failures;
    }

    /**
     * @param id a plugin id
     * @return the plugin with that id
     */
    public Optional<LoadedPlugin> find(String id) {
        return plugins.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    @Override
    public void close() {
        if (pluginManager != null) {
            // One by one: pf4j 3.15's stopPlugins() iterates the list that stopPlugin() shrinks.
            List<String> started = new ArrayList<>(pluginManager.getStartedPlugins().stream().map(PluginWrapper::getPluginId).toList());
            java.util.Collections.reverse(started);
            for (String id : started) {
                pluginManager.stopPlugin(id);
            }
            pluginManager.unloadPlugins();
        }
        unpacker.close();
    }

    private static DefaultPluginManager newPluginManager(Path pluginsDir) {
        DefaultPluginManager manager = new DefaultPluginManager(pluginsDir) {
            @Override
            protected ExtensionFinder createExtensionFinder() {
                // Our plugins index their extensions as META-INF/services (so ServiceLoader sees
                // them too); pf4j reads that form only when asked.
                DefaultExtensionFinder finder = (DefaultExtensionFinder) super.createExtensionFinder();
                finder.add(new ServiceProviderExtensionFinder(this));
                return finder;
            }
        };
        // Plugin-Requires is checked against the SPI's version, not the engine's.
        manager.setSystemVersion(SpiVersion.CURRENT);
        return manager;
    }

    private static void loadArchives(DefaultPluginManager manager, PluginUnpacker unpacker, Path dir, Map<String, LoadedPlugin> byId, List<PluginLoadFailure> failures) {
        if (!Files.isDirectory(dir)) {
            failures.add(new PluginLoadFailure(dir.toString(), "plugins directory not found — create it or point --plugins-dir / SCANOPY_PLUGINS_DIR at the folder holding the plugin archives"));
            return;
        }
        List<Path> archives;
        try (Stream<Path> files = Files.list(dir)) {
            archives = files.filter(PluginRegistry::isArchive).sorted().toList();
        } catch (IOException e) {
            failures.add(new PluginLoadFailure(dir.toString(), "cannot list the plugins directory: " + e.getMessage()));
            return;
        }
        // One archive at a time, so one bad archive is reported by name and the rest still load.
        for (Path archive : archives) {
            if (!Files.isRegularFile(archive)) {
                // Opening a named pipe would wait for a writer: only a regular file is read.
                failures.add(new PluginLoadFailure(archive.getFileName().toString(), "not a regular file (" + UserFiles.describe(archive)
                        + ") — replace it with the plugin's release archive"));
                continue;
            }
            try (ZipFile check = new ZipFile(archive.toFile())) {
                check.size();
            } catch (IOException e) {
                failures.add(new PluginLoadFailure(archive.getFileName().toString(), "not a valid zip/jar archive (" + e.getMessage() + ") — replace it with the plugin's release archive"));
                continue;
            }
            try {
                // pf4j loads a zip from the directory it is unpacked to (next to the zip, or a private one).
                manager.loadPlugin(unpacker.unpacked(archive));
            } catch (IOException e) {
                failures.add(new PluginLoadFailure(archive.getFileName().toString(), "cannot unpack it: " + e.getMessage()));
            } catch (RuntimeException e) {
                failures.add(new PluginLoadFailure(archive.getFileName().toString(), describe(e)));
            }
        }
        for (PluginWrapper wrapper : manager.getPlugins()) {
            String id = wrapper.getPluginId();
            if (wrapper.getPluginState() == PluginState.DISABLED || wrapper.getFailedException() != null) {
                failures.add(new PluginLoadFailure(id, "requires SPI " + wrapper.getDescriptor().getRequires()
                        + " (Plugin-Requires) but this daemon provides SPI " + SpiVersion.CURRENT + " — install a plugin version built for it"));
                continue;
            }
            try {
                manager.startPlugin(id);
            } catch (RuntimeException e) {
                failures.add(new PluginLoadFailure(id, "failed to start: " + describe(e)));
                continue;
            }
            List<String> declared = declaredPlugins(wrapper, manager.getExtensionClassNames(id));
            List<DockerAccessPlugin> extensions = manager.getExtensions(DockerAccessPlugin.class, id);
            if (extensions.size() < declared.size()) {
                failures.add(new PluginLoadFailure(id, missingExtensions(wrapper, declared, extensions)));
            }
            if (declared.isEmpty()) {
                failures.add(new PluginLoadFailure(id, "declares no " + DockerAccessPlugin.class.getSimpleName()
                        + " extension (no META-INF/services/" + DockerAccessPlugin.class.getName() + " in the archive)"));
            }
            for (DockerAccessPlugin extension : extensions) {
                register(byId, failures, new LoadedPlugin(extension, wrapper.getDescriptor().getVersion(), PluginSource.ARCHIVE, wrapper.getPluginPath().toString()));
            }
        }
    }

    /**
     * The extension classes the plugin declares as {@link DockerAccessPlugin}s. pf4j's
     * ServiceLoader-style index holds every {@code META-INF/services} entry of the archive,
     * its libraries' too (an SSH library's file-system provider, say): only those named in a
     * {@code META-INF/services/io.scanopy.spi.DockerAccessPlugin} of the archive itself count.
     */
    private static List<String> declaredPlugins(PluginWrapper wrapper, java.util.Set<String> indexed) {
        java.util.Set<String> named = new java.util.HashSet<>();
        String file = "META-INF/services/" + DockerAccessPlugin.class.getName();
        try {
            var urls = wrapper.getPluginClassLoader() instanceof java.net.URLClassLoader own
                    ? own.findResources(file) : wrapper.getPluginClassLoader().getResources(file);
            while (urls.hasMoreElements()) {
                try (var in = urls.nextElement().openStream()) {
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                            .map(l -> l.replaceFirst("#.*", "").strip()).filter(l -> !l.isEmpty()).forEach(named::add);
                }
            }
        } catch (IOException e) {
            return new ArrayList<>(indexed);
        }
        return indexed.stream().filter(named::contains).sorted().toList();
    }

    private static String missingExtensions(PluginWrapper wrapper, List<String> declared, List<DockerAccessPlugin> loaded) {
        List<String> problems = new ArrayList<>();
        for (String className : declared) {
            if (loaded.stream().anyMatch(e -> e.getClass().getName().equals(className))) {
                continue;
            }
            try {
                Class<?> type = wrapper.getPluginClassLoader().loadClass(className);
                problems.add(DockerAccessPlugin.class.isAssignableFrom(type)
                        ? className + " could not be instantiated (needs a public no-argument constructor)"
                        : className + " does not implement " + DockerAccessPlugin.class.getName());
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add("class " + className + " is declared but missing from the archive (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        return String.join("; ", problems);
    }

    private static void loadClasspath(ClassLoader classLoader, Map<String, LoadedPlugin> byId, List<PluginLoadFailure> failures) {
        var iterator = ServiceLoader.load(DockerAccessPlugin.class, classLoader).iterator();
        while (true) {
            DockerAccessPlugin plugin;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                plugin = iterator.next();
            } catch (ServiceConfigurationError e) {
                failures.add(new PluginLoadFailure("classpath", e.getMessage()));
                continue;
            }
            if (byId.containsKey(plugin.id())) {
                log.debug("Plugin {} from the classpath is shadowed by {}", plugin.id(), byId.get(plugin.id()).location());
                continue;
            }
            CodeSource codeSource = plugin.getClass().getProtectionDomain().getCodeSource();
            String location = codeSource != null && codeSource.getLocation() != null ? codeSource.getLocation().toString() : "classpath";
            String version = manifestVersion(codeSource);
            register(byId, failures, new LoadedPlugin(plugin, version, PluginSource.CLASSPATH, location));
        }
    }

    /** The pf4j descriptor's Plugin-Version, read from the jar the class came from. */
    private static String manifestVersion(CodeSource codeSource) {
        try {
            if (codeSource != null && codeSource.getLocation() != null && codeSource.getLocation().getPath().endsWith(".jar")) {
                try (JarFile jar = new JarFile(Path.of(codeSource.getLocation().toURI()).toFile())) {
                    Manifest manifest = jar.getManifest();
                    String version = manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Version");
                    if (version != null) {
                        return version;
                    }
                }
            }
        } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
            log.debug("No manifest version for {}", codeSource.getLocation(), e);
        }
        return "unknown";
    }

    private static void register(Map<String, LoadedPlugin> byId, List<PluginLoadFailure> failures, LoadedPlugin plugin) {
        LoadedPlugin previous = byId.putIfAbsent(plugin.id(), plugin);
        if (previous != null && previous.source() == plugin.source()) {
            failures.add(new PluginLoadFailure(plugin.id(), "the id is used twice (" + previous.location() + " and " + plugin.location() + "); the first is used"));
        }
    }

    private static boolean isArchive(Path path) {
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".zip") || name.endsWith(".jar");
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage();
        }
        return message;
    }
}
