package io.scanopy.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.files.UserFileException;
import io.scanopy.engine.files.UserFiles;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.TlsFiles;
import io.scanopy.spi.Transports;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves settings with one precedence for every setting: command line, then environment,
 * then the config file ({@code --config} or {@code SCANOPY_CONFIG}), then defaults.
 *
 * <p>Targets come whole from the first level that names any ({@code --docker-proxy} flags,
 * else {@code SCANOPY_DOCKER_PROXY} comma-separated, else the file's {@code docker-proxy});
 * with none, the local Docker engine is the one target. Each TLS file and the flavour are
 * resolved per setting: flag, variable, the file's entry for that target, the file's global.
 */
public final class SettingsResolver {
    /** Environment variables, as the user guide names them. */
    public static final String ENV_PROXY = "SCANOPY_DOCKER_PROXY";
    public static final String ENV_SSL_CERT = "SCANOPY_DOCKER_PROXY_SSL_CERT";
    public static final String ENV_SSL_KEY = "SCANOPY_DOCKER_PROXY_SSL_KEY";
    public static final String ENV_SSL_CHAIN = "SCANOPY_DOCKER_PROXY_SSL_CHAIN";
    public static final String ENV_FLAVOR = "SCANOPY_DOCKER_PROXY_FLAVOR";
    public static final String ENV_PLUGINS_DIR = "SCANOPY_PLUGINS_DIR";
    public static final String ENV_CONFIG = "SCANOPY_CONFIG";
    public static final String ENV_TARGET_TIMEOUT = "SCANOPY_TARGET_TIMEOUT";
    /** The longest target timeout accepted, in seconds: longer is a hang by another name. */
    public static final int MAX_TARGET_TIMEOUT = 600;
    /** {@link TlsFiles#origin()} when every TLS file came from the flags; messages then name the flag. */
    public static final String TLS_FROM_FLAGS = "--docker-proxy-ssl-* flags";
    /** {@link TlsFiles#origin()} when every TLS file came from the variables; messages then name the variable. */
    public static final String TLS_FROM_VARIABLES = "SCANOPY_DOCKER_PROXY_SSL_* variables";

    private static final Set<String> FILE_KEYS = Set.of("docker-proxy", "docker-proxy-ssl-cert", "docker-proxy-ssl-key",
            "docker-proxy-ssl-chain", "docker-proxy-flavor", "plugins-dir", "target-timeout");
    private static final Set<String> TARGET_KEYS = Set.of("url", "ssl-cert", "ssl-key", "ssl-chain", "flavor");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private SettingsResolver() {
    }

    /**
     * @param cli the command-line settings
     * @param env the environment
     * @param defaultPluginsDir the plugins directory when none is set, or null
     * @return the resolved settings
     * @throws ConfigurationException naming the setting or file at fault
     */
    public static DaemonSettings resolve(CliSettings cli, Map<String, String> env, Path defaultPluginsDir) throws ConfigurationException {
        Path configPath = cli.configFile() != null ? cli.configFile() : pathOrNull(env.get(ENV_CONFIG));
        ConfigFile file = configPath == null ? ConfigFile.EMPTY : ConfigFile.read(configPath, cli.configFile() != null ? "--config" : ENV_CONFIG);

        List<FileTarget> sources;
        String setting;
        if (!cli.dockerProxies().isEmpty()) {
            sources = cli.dockerProxies().stream().flatMap(v -> splitList(v).stream()).map(FileTarget::ofUrl).toList();
            setting = "--docker-proxy";
        } else if (!blank(env.get(ENV_PROXY))) {
            sources = splitList(env.get(ENV_PROXY)).stream().map(FileTarget::ofUrl).toList();
            setting = ENV_PROXY;
        } else {
            sources = file.targets();
            setting = "docker-proxy in " + configPath;
        }

        List<TargetSpec> targets = new ArrayList<>();
        for (FileTarget source : sources) {
            URI url = parseUrl(source.url(), setting);
            Path cert = first(cli.sslCert(), pathOrNull(env.get(ENV_SSL_CERT)), source.sslCert(), file.sslCert());
            Path key = first(cli.sslKey(), pathOrNull(env.get(ENV_SSL_KEY)), source.sslKey(), file.sslKey());
            Path chain = first(cli.sslChain(), pathOrNull(env.get(ENV_SSL_CHAIN)), source.sslChain(), file.sslChain());
            String flavor = first(cli.flavor(), emptyToNull(env.get(ENV_FLAVOR)), source.flavor(), file.flavor());
            TlsFiles tls = cert == null && key == null && chain == null ? null
                    : new TlsFiles(cert, key, chain, tlsOrigin(cli, env, configPath));
            targets.add(new TargetSpec(url, tls, flavor == null ? null : Flavors.pluginId(flavor), env, setting));
        }
        if (targets.isEmpty()) {
            if (cli.sslCert() != null || cli.sslKey() != null || cli.sslChain() != null) {
                throw new ConfigurationException("--docker-proxy-ssl-* is set but no --docker-proxy URL is — give the proxy's https:// URL with --docker-proxy (or SCANOPY_DOCKER_PROXY)");
            }
            String flavor = first(cli.flavor(), emptyToNull(env.get(ENV_FLAVOR)), null, file.flavor());
            targets.add(new TargetSpec(null, null, flavor == null ? null : Flavors.pluginId(flavor), env));
        }
        Path pluginsDir = first(cli.pluginsDir(), pathOrNull(env.get(ENV_PLUGINS_DIR)), null, file.pluginsDir());
        if (pluginsDir != null) {
            String pluginsSetting = cli.pluginsDir() != null ? "--plugins-dir" : !blank(env.get(ENV_PLUGINS_DIR)) ? ENV_PLUGINS_DIR : "plugins-dir in config file " + configPath;
            checkPluginsDir(pluginsDir, pluginsSetting);
        }
        Duration timeout = cli.targetTimeout() != null ? seconds(cli.targetTimeout(), "--target-timeout")
                : !blank(env.get(ENV_TARGET_TIMEOUT)) ? seconds(env.get(ENV_TARGET_TIMEOUT), ENV_TARGET_TIMEOUT)
                : file.targetTimeout() != null ? seconds(file.targetTimeout(), "target-timeout in config file " + configPath)
                : DiscoveryOptions.DEFAULT_TARGET_TIMEOUT;
        return new DaemonSettings(targets, pluginsDir != null ? pluginsDir : defaultPluginsDir, timeout);
    }

    /** Seconds as a user writes them: whole or decimal, above zero, at most {@value #MAX_TARGET_TIMEOUT}. */
    private static Duration seconds(String value, String setting) throws ConfigurationException {
        try {
            double s = Double.parseDouble(value.strip());
            if (s > 0 && s <= MAX_TARGET_TIMEOUT && !Double.isNaN(s)) {
                return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new ConfigurationException(setting + "=" + value.strip() + " is not a time in seconds: use a number above 0 and at most " + MAX_TARGET_TIMEOUT
                + " (for example 20 or 2.5)");
    }

    /**
     * A plugins directory that is something else (a file, a pipe) is refused; a missing one is
     * left to plugin loading, which warns and goes on with the classpath plugins.
     */
    private static void checkPluginsDir(Path dir, String setting) throws ConfigurationException {
        try {
            UserFiles.directoryIfPresent(dir, setting, "give the folder holding the plugin archives (pf4j zip or jar)");
        } catch (UserFileException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    private static String tlsOrigin(CliSettings cli, Map<String, String> env, Path configPath) {
        List<String> origins = new ArrayList<>();
        if (cli.sslCert() != null || cli.sslKey() != null || cli.sslChain() != null) {
            origins.add(TLS_FROM_FLAGS);
        }
        if (!blank(env.get(ENV_SSL_CERT)) || !blank(env.get(ENV_SSL_KEY)) || !blank(env.get(ENV_SSL_CHAIN))) {
            origins.add(TLS_FROM_VARIABLES);
        }
        if (configPath != null) {
            origins.add("config file " + configPath);
        }
        return String.join(", ", origins);
    }

    private static URI parseUrl(String text, String setting) throws ConfigurationException {
        // Every message shows the URL without user information: it may hold a password.
        String shown = Transports.withoutUserInfo(text.strip());
        if (isSshUser(text)) {
            // ssh://user@host names the login, as the Docker CLI's DOCKER_HOST does; a password never (keys or the agent authenticate).
        } else if (text.contains("@")) {
            // Any '@': a password with a '/' or a space leaves the parser no user information to find.
            // No socket proxy takes credentials in the URL; it would be ignored and logged.
            throw new ConfigurationException(setting + " has a user name or password in its URL (" + shown
                    + "): socket proxies take none — remove it; for HTTPS use the client certificate settings");
        }
        try {
            URI url = new URI(text.strip());
            // "docker-proxy:2375" parses as scheme "docker-proxy": a URL needs "//".
            if (url.getScheme() == null || url.isOpaque()) {
                throw new ConfigurationException(setting + "=" + shown + " has no scheme — write it as http://HOST:PORT or https://HOST:PORT");
            }
            String problem = authorityProblem(url);
            if (problem != null) {
                throw new ConfigurationException(setting + "=" + shown + " is not a valid URL (" + problem + ") — write it as http://HOST:PORT or https://HOST:PORT");
            }
            return url;
        } catch (URISyntaxException e) {
            // getReason(), unlike getMessage(), does not quote the input.
            throw new ConfigurationException(setting + "=" + shown + " is not a valid URL (" + e.getReason() + ") — write it as http://HOST:PORT or https://HOST:PORT");
        }
    }

    /** An ssh:// URL whose user information is a user name alone (no ':' password, one '@'). */
    private static boolean isSshUser(String text) {
        String t = text.strip();
        if (!t.regionMatches(true, 0, "ssh://", 0, 6)) {
            return false;
        }
        int at = t.indexOf('@');
        String user = at < 0 ? "" : t.substring(6, at);
        return at > 6 && t.indexOf('@', at + 1) < 0 && !user.contains(":") && !user.contains("/") && user.chars().noneMatch(Character::isWhitespace);
    }

    /**
     * What is wrong with a URL's host and port, or null. java.net.URI takes an authority it
     * cannot read as host:port (a port out of range or not a number, a non-ASCII host) as an
     * opaque "registry" authority with no host, and port 0 as a port: each would otherwise end
     * as a puzzling "no host name" or a silent default port.
     */
    private static String authorityProblem(URI url) {
        String authority = url.getRawAuthority();
        if (authority == null) {
            return null;
        }
        if (url.getHost() != null) {
            return url.getPort() == 0 || url.getPort() > 65535 ? "port " + url.getPort() + ": use a port from 1 to 65535" : null;
        }
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        String host = colon > close ? authority.substring(0, colon) : authority;
        String port = colon > close ? authority.substring(colon + 1) : "";
        if (!port.isEmpty() && !port.matches("[0-9]{1,5}") || !port.isEmpty() && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
            return "port " + port + ": use a port from 1 to 65535";
        }
        if (!host.chars().allMatch(c -> c < 0x80)) {
            try {
                return "the host name is not ASCII: write it as " + java.net.IDN.toASCII(host, java.net.IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return "the host name is not ASCII and has no ASCII form";
            }
        }
        return "the host name is not valid";
    }

    private static List<String> splitList(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Path pathOrNull(String value) {
        return blank(value) ? null : Path.of(value.strip());
    }

    private static String emptyToNull(String value) {
        return blank(value) ? null : value.strip();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** One target as a config file (or a URL setting) gives it. */
    private record FileTarget(String url, Path sslCert, Path sslKey, Path sslChain, String flavor) {
        static FileTarget ofUrl(String url) {
            return new FileTarget(url, null, null, null, null);
        }
    }

    /** The config file, read and checked; relative paths are resolved against its folder. */
    private record ConfigFile(List<FileTarget> targets, Path sslCert, Path sslKey, Path sslChain, String flavor, Path pluginsDir, String targetTimeout) {
        static final ConfigFile EMPTY = new ConfigFile(List.of(), null, null, null, null, null, null);

        static ConfigFile read(Path path, String setting) throws ConfigurationException {
            String text;
            try {
                text = new String(UserFiles.read(path, setting, UserFiles.Kind.CONFIG), StandardCharsets.UTF_8);
            } catch (UserFileException e) {
                throw new ConfigurationException(e.getMessage());
            }
            JsonNode root;
            try {
                root = YAML.readTree(text);
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                throw new ConfigurationException("Config file " + path + (at != null ? " line " + at.getLineNr() : "") + ": not valid YAML (" + e.getOriginalMessage() + ")");
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                return EMPTY;
            }
            if (!root.isObject()) {
                throw new ConfigurationException("Config file " + path + ": expected a mapping of settings (" + String.join(", ", FILE_KEYS.stream().sorted().toList()) + ")");
            }
            checkKeys(root, FILE_KEYS, path, text, "");
            Path base = path.toAbsolutePath().getParent();
            List<FileTarget> targets = new ArrayList<>();
            JsonNode proxies = root.get("docker-proxy");
            if (proxies != null) {
                Iterator<JsonNode> items = proxies.isArray() ? proxies.elements() : List.of(proxies).iterator();
                while (items.hasNext()) {
                    JsonNode item = items.next();
                    if (item.isTextual()) {
                        targets.add(FileTarget.ofUrl(item.asText()));
                    } else if (item.isObject()) {
                        checkKeys(item, TARGET_KEYS, path, text, "docker-proxy entry: ");
                        String url = string(item, "url", path, text);
                        if (url == null) {
                            throw new ConfigurationException("Config file " + path + " line " + lineOf(text, "ssl-") + ": a docker-proxy entry has no url — add url: https://HOST:PORT");
                        }
                        targets.add(new FileTarget(url, file(item, "ssl-cert", base, path, text), file(item, "ssl-key", base, path, text),
                                file(item, "ssl-chain", base, path, text), string(item, "flavor", path, text)));
                    } else {
                        throw new ConfigurationException("Config file " + path + " line " + lineOf(text, "docker-proxy") + ": docker-proxy must be a URL or a list of URLs / {url, ssl-cert, ssl-key, ssl-chain, flavor}");
                    }
                }
            }
            return new ConfigFile(targets, file(root, "docker-proxy-ssl-cert", base, path, text), file(root, "docker-proxy-ssl-key", base, path, text),
                    file(root, "docker-proxy-ssl-chain", base, path, text), string(root, "docker-proxy-flavor", path, text),
                    file(root, "plugins-dir", base, path, text), string(root, "target-timeout", path, text));
        }

        private static void checkKeys(JsonNode node, Set<String> allowed, Path path, String text, String where) throws ConfigurationException {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw new ConfigurationException("Config file " + path + " line " + lineOf(text, name) + ": " + where + "unknown setting '" + name
                            + "' — known: " + String.join(", ", allowed.stream().sorted().toList()));
                }
            }
        }

        private static String string(JsonNode node, String key, Path path, String text) throws ConfigurationException {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isValueNode()) {
                throw new ConfigurationException("Config file " + path + " line " + lineOf(text, key) + ": " + key + " must be a single value");
            }
            return value.asText().strip();
        }

        private static Path file(JsonNode node, String key, Path base, Path path, String text) throws ConfigurationException {
            String value = string(node, key, path, text);
            return value == null || value.isEmpty() ? null : base.resolve(value);
        }

        /** The 1-based line where a key first appears, for messages; 1 when not found. */
        private static int lineOf(String text, String key) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].stripLeading().replaceFirst("^- ", "").startsWith(key)) {
                    return i + 1;
                }
            }
            return 1;
        }
    }
}
