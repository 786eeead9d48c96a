package io.scanopy.engine.plugin;

/**
 * A plugin that could not be loaded; the others still are.
 *
 * @param name the plugin id, or the archive file name when the descriptor could not be read
 * @param reason why, in words a user can act on
 */
public record PluginLoadFailure(String name, String reason) {
}
