package io.scanopy.examples.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The user's ssh files: {@code ~/.ssh/known_hosts}, {@code ~/.ssh/config} and the default keys.
 * Home is {@code HOME} from the environment the engine was given (as a shell's ~), else Java's user.home.
 *
 * @param dir the ~/.ssh folder
 */
record SshFiles(Path dir) {
    /** The keys ssh(1) tries by default, in its order (ed25519 through the plugin's Bouncy Castle, see PluginBouncyCastle). */
    static final List<String> DEFAULT_KEYS = List.of("id_ecdsa", "id_ed25519", "id_rsa");

    static SshFiles of(Map<String, String> environment) {
        String home = environment.getOrDefault("HOME", "").strip();
        return new SshFiles(Path.of(home.startsWith("/") ? home : System.getProperty("user.home")).resolve(".ssh"));
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path config() {
        return dir.resolve("config");
    }

    List<Path> defaultKeys() {
        return DEFAULT_KEYS.stream().map(dir::resolve).toList();
    }

    /** ~/.ssh/NAME as a user writes it in a message. */
    String shown(Path file) {
        return "~/.ssh/" + dir.relativize(file);
    }
}
