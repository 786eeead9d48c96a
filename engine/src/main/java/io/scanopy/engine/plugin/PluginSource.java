package io.scanopy.engine.plugin;

/** Where a plugin was loaded from. */
public enum PluginSource {
    /** A pf4j plugin archive (zip or jar) in the plugins directory. */
    ARCHIVE,
    /** The application classpath, through {@link java.util.ServiceLoader}. */
    CLASSPATH
}
