package io.scanopy.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.spi.TargetSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsResolverTest {
    @TempDir
    Path dir;

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("scanopy.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static CliSettings cli(Path config, List<String> proxies, String cert, String flavor) {
        return new CliSettings(config, proxies, cert == null ? null : Path.of(cert), null, null, flavor, null);
    }

    /** Each level given or not: the highest one given wins, for the URL, a TLS file and the flavour alike. */
    @ParameterizedTest(name = "cli={0} env={1} file={2} -> {3}")
    @CsvSource({
            "true,  true,  true,  cli",
            "false, true,  true,  env",
            "false, false, true,  file",
            "true,  false, true,  cli",
            "true,  true,  false, cli",
            "false, true,  false, env",
    })
    void commandLineOverEnvironmentOverFile(boolean atCli, boolean atEnv, boolean atFile, String winner) throws Exception {
        Path file = config(atFile ? "docker-proxy: https://file:2376\ndocker-proxy-ssl-cert: /file/cert.pem\ndocker-proxy-ssl-chain: /file/ca.pem\ndocker-proxy-flavor: generic\n" : "{}\n");
        Map<String, String> env = atEnv
                ? Map.of("SCANOPY_DOCKER_PROXY", "https://env:2376", "SCANOPY_DOCKER_PROXY_SSL_CERT", "/env/cert.pem", "SCANOPY_DOCKER_PROXY_FLAVOR", "wollomatic")
                : Map.of();
        CliSettings cli = atCli ? cli(file, List.of("https://cli:2376"), "/cli/cert.pem", "tecnativa") : cli(file, List.of(), null, null);

        TargetSpec target = SettingsResolver.resolve(cli, env, null).targets().get(0);

        assertEquals(URI.create("https://" + winner + ":2376"), target.endpoint());
        assertEquals(Path.of("/" + winner + "/cert.pem"), target.tls().certificate());
        assertEquals(Map.of("cli", "docker-proxy-tecnativa", "env", "docker-proxy-wollomatic", "file", "docker-direct").get(winner), target.flavor());
    }

    @Test
    void withNothingSetTheLocalEngineIsTheTarget() throws Exception {
        DaemonSettings settings = SettingsResolver.resolve(CliSettings.none(), Map.of(), Path.of("/opt/scanopy/plugins"));
        assertEquals(1, settings.targets().size());
        assertNull(settings.targets().get(0).endpoint());
        assertEquals(Path.of("/opt/scanopy/plugins"), settings.pluginsDir());
    }

    @Test
    void severalTargetsFromRepeatedFlagsOrACommaList() throws Exception {
        assertEquals(3, SettingsResolver.resolve(cli(null, List.of("http://a:2375", "http://b:2375,http://c:2375"), null, null), Map.of(), null).targets().size());
        assertEquals(List.of(URI.create("http://a:2375"), URI.create("http://b:2375")),
                SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", "http://a:2375, http://b:2375"), null)
                        .targets().stream().map(TargetSpec::endpoint).toList());
    }

    @Test
    void fileTargetsCarryTheirOwnTlsResolvedAgainstTheFilesFolder() throws Exception {
        Path file = config("""
                docker-proxy:
                  - url: https://a:2376
                    ssl-cert: certs/a.pem
                    ssl-key: certs/a.key
                    ssl-chain: certs/ca.pem
                  - http://b:2375
                plugins-dir: plugins
                """);
        DaemonSettings settings = SettingsResolver.resolve(cli(file, List.of(), null, null), Map.of(), null);
        assertEquals(dir.resolve("certs/a.pem"), settings.targets().get(0).tls().certificate());
        assertNull(settings.targets().get(1).tls());
        assertEquals(dir.resolve("plugins"), settings.pluginsDir());
    }

    @Test
    void anUnknownKeyIsRejectedWithItsLine() throws Exception {
        Path file = config("docker-proxy: http://a:2375\ndocker-proxy-ssl-crt: /x\n");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsResolver.resolve(cli(file, List.of(), null, null), Map.of(), null));
        assertTrue(e.getMessage().contains(file + " line 2") && e.getMessage().contains("docker-proxy-ssl-crt"), e.getMessage());
    }

    @Test
    void brokenYamlIsRejectedWithItsLine() throws Exception {
        Path file = config("docker-proxy:\n  - url: [unclosed\n");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsResolver.resolve(cli(file, List.of(), null, null), Map.of(), null));
        assertTrue(e.getMessage().startsWith("Config file " + file + " line "), e.getMessage());
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsResolver.resolve(cli(missing, List.of(), null, null), Map.of(), null));
        assertEquals("--config " + missing + ": does not exist; check the path (in a container: that its folder is mounted)", e.getMessage());
    }

    @Test
    void aConfigFileThatIsADeviceIsRefusedNotReadUntilMemoryRunsOut() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(cli(null, List.of(), null, null), Map.of("SCANOPY_CONFIG", "/dev/zero"), null));
        assertEquals("SCANOPY_CONFIG=/dev/zero: not a regular file (a character device); give the YAML config file", e.getMessage());
    }

    @Test
    void aPluginsDirThatIsNotADirectoryIsRefusedNamingItsSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("plugins.zip"), "x");
        CliSettings flag = new CliSettings(null, List.of(), null, null, null, null, file);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsResolver.resolve(flag, Map.of(), null));
        assertEquals("--plugins-dir " + file + ": not a directory (a regular file); give the folder holding the plugin archives (pf4j zip or jar)", e.getMessage());

        Path config = config("plugins-dir: plugins.zip\n");
        e = assertThrows(ConfigurationException.class, () -> SettingsResolver.resolve(cli(config, List.of(), null, null), Map.of(), null));
        assertTrue(e.getMessage().startsWith("plugins-dir in config file " + config + " " + file + ": not a directory"), e.getMessage());

        // A missing one is left to plugin loading, which warns and goes on with the classpath plugins.
        Path missing = dir.resolve("none");
        assertEquals(missing, SettingsResolver.resolve(new CliSettings(null, List.of(), null, null, null, null, missing), Map.of(), null).pluginsDir());
    }

    @Test
    void tlsFlagsWithoutAProxyAreAnError() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(cli(null, List.of(), "/c.pem", null), Map.of(), null));
        assertTrue(e.getMessage().contains("--docker-proxy"), e.getMessage());
    }

    @Test
    void aUrlWithoutSchemeIsRejected() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", "docker-proxy:2375"), null));
        assertTrue(e.getMessage().startsWith("SCANOPY_DOCKER_PROXY=docker-proxy:2375"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://docker-proxy:0|port 0: use a port from 1 to 65535",
        "http://docker-proxy:65536|port 65536: use a port from 1 to 65535",
        "http://docker-proxy:99999999999|port 99999999999: use a port from 1 to 65535",
        "http://docker-proxy:http|port http: use a port from 1 to 65535",
        "http://[::1]:70000|port 70000: use a port from 1 to 65535",
        "http://bücher.example:2375|the host name is not ASCII: write it as xn--bcher-kva.example",
        "http://docker_proxy:2375|the host name is not valid"})
    void aBadPortOrHostIsOneConfigurationLine(String url, String reason) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", url), null));
        assertEquals("SCANOPY_DOCKER_PROXY=" + url + " is not a valid URL (" + reason + ") — write it as http://HOST:PORT or https://HOST:PORT", e.getMessage());
    }

    @Test
    void aGoodPortAndAnAsciiHostAreTaken() throws Exception {
        assertEquals("http://xn--bcher-kva.example:65535", SettingsResolver.resolve(CliSettings.none(),
                Map.of("SCANOPY_DOCKER_PROXY", "http://xn--bcher-kva.example:65535"), null).targets().get(0).endpoint().toString());
        assertEquals("http://[::1]:1", SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", "http://[::1]:1"), null).targets().get(0).endpoint().toString());
    }

    @Test
    void aPasswordInAProxyUrlIsRefusedWithoutBeingRepeated() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", "http://admin:hunter2@docker-proxy:2375"), null));
        assertTrue(e.getMessage().startsWith("SCANOPY_DOCKER_PROXY has a user name or password in its URL (http://…@docker-proxy:2375)"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2") && !e.getMessage().contains("admin"), "the secret is not repeated: " + e.getMessage());
    }

    @Test
    void anSshUrlMayNameItsLoginButNeverAPassword() throws Exception {
        // ssh://USER@HOST as the Docker CLI takes it: the user name is the login, keys authenticate.
        io.scanopy.spi.TargetSpec target = SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", "ssh://ops@docker-host:2222"), null).targets().get(0);
        assertEquals("ssh://ops@docker-host:2222", target.endpoint().toString());
        assertEquals("ssh://docker-host:2222", target.label());
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_DOCKER_PROXY", "ssh://ops:hunter2@docker-host"), null));
        assertTrue(!e.getMessage().contains("hunter2") && !e.getMessage().contains("ops"), "the secret is not repeated: " + e.getMessage());
    }

    @Test
    void aTargetLabelNeverCarriesAPassword() {
        assertEquals("http://docker-proxy:2375", new io.scanopy.spi.TargetSpec(java.net.URI.create("http://admin:hunter2@docker-proxy:2375"), null, null, Map.of()).label());
        // A raw '@' in the password leaves Java's parser no user information, only an authority: still not shown.
        assertEquals("http://docker-proxy:2375", new io.scanopy.spi.TargetSpec(java.net.URI.create("http://admin:hun@ter2@docker-proxy:2375"), null, null, Map.of()).label());
    }

    @Test
    void theTargetTimeoutResolvesFlagOverEnvironmentOverFileOverDefault() throws Exception {
        Path file = config("target-timeout: 7\n");
        CliSettings none = new CliSettings(file, List.of(), null, null, null, null, null, null);
        CliSettings flag = new CliSettings(file, List.of(), null, null, null, null, null, "2.5");
        assertEquals(java.time.Duration.ofMillis(2500), SettingsResolver.resolve(flag, Map.of("SCANOPY_TARGET_TIMEOUT", "9"), null).targetTimeout());
        assertEquals(java.time.Duration.ofSeconds(9), SettingsResolver.resolve(none, Map.of("SCANOPY_TARGET_TIMEOUT", "9"), null).targetTimeout());
        assertEquals(java.time.Duration.ofSeconds(7), SettingsResolver.resolve(none, Map.of(), null).targetTimeout());
        assertEquals(java.time.Duration.ofSeconds(20), SettingsResolver.resolve(CliSettings.none(), Map.of(), null).targetTimeout());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "-1", "601", "soon", "NaN"})
    void aTargetTimeoutThatIsNoTimeIsOneLine(String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SettingsResolver.resolve(CliSettings.none(), Map.of("SCANOPY_TARGET_TIMEOUT", value), null));
        assertEquals("SCANOPY_TARGET_TIMEOUT=" + value + " is not a time in seconds: use a number above 0 and at most 600 (for example 20 or 2.5)", e.getMessage());
    }
}
