package io.scanopy.examples.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.discovery.DiscoveryEngine;
import io.scanopy.engine.discovery.DiscoveryOptions;
import io.scanopy.engine.discovery.DiscoveryResult;
import io.scanopy.engine.docker.DockerConnection;
import io.scanopy.engine.docker.DockerEvent;
import io.scanopy.engine.docker.EventStream;
import io.scanopy.engine.docker.ExecOutput;
import io.scanopy.engine.plugin.LoadedPlugin;
import io.scanopy.engine.plugin.PluginRegistry;
import io.scanopy.spi.TargetSpec;
import io.scanopy.spi.Transport;
import io.scanopy.spi.inventory.Container;
import io.scanopy.spi.inventory.DockerEngine;
import io.scanopy.testkit.PluginFixtures;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.TestContainer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plugin as the engine loads it, from its archive through pf4j, against Debian's sshd with
 * the engine's socket behind it: discovery, the event stream and exec all go over SSH channels,
 * and the plugin's own slf4j stays its own.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshDiscoveryTest {
    private SshServer server;
    private TestContainer web;
    private Path home;
    private Path pluginsCopy;
    private Path archives;
    private PluginRegistry registry;

    @BeforeAll
    void start() throws Exception {
        server = new SshServer();
        web = new TestContainer().servingHttp(8080).withLabel("role", "ssh-example");
        web.start();
        home = SshServer.home(server.authorized, server.knownHostsLine());
        pluginsCopy = Files.createTempDirectory("scanopy-ssh-plugins");
        // The archive alone (target/ also holds the plain jar, which is not a plugin archive).
        archives = Files.createTempDirectory("scanopy-ssh-archive");
        Path built = PluginFixtures.builtFolder("scanopy.example.plugins");
        try (var zips = Files.list(built)) {
            for (Path zip : zips.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).toList()) {
                Files.copy(zip, archives.resolve(zip.getFileName()));
            }
        }
        registry = PluginFixtures.fromArchives(archives, pluginsCopy);
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (web != null) {
            web.stop();
        }
        if (server != null) {
            server.close();
        }
        SshServer.deleteTree(home);
        SshServer.deleteTree(pluginsCopy);
        SshServer.deleteTree(archives);
    }

    private TargetSpec target() {
        return new TargetSpec(URI.create(server.url()), null, null, Map.of("HOME", home.toString()));
    }

    @Test
    void theArchiveLoadsThroughPf4jWithItsOwnSlf4j() throws Exception {
        assertEquals(List.of(), registry.failures());
        LoadedPlugin ssh = registry.find("docker-ssh").orElseThrow();
        ClassLoader pluginLoader = ssh.plugin().getClass().getClassLoader();
        assertTrue(pluginLoader instanceof org.pf4j.PluginClassLoader, "loaded from the archive, not the test class path: " + pluginLoader);
        // MINA SSHD's slf4j 1.7 from the archive's lib/, next to the engine's slf4j 2 on the class path.
        Class<?> pluginLogger = pluginLoader.loadClass("org.slf4j.Logger");
        assertNotEquals(org.slf4j.Logger.class, pluginLogger);
        assertTrue(pluginLogger.getProtectionDomain().getCodeSource().getLocation().toString().endsWith("lib/slf4j-api-1.7.36.jar"),
                pluginLogger.getProtectionDomain().getCodeSource().getLocation().toString());
        assertTrue(org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation().toString().contains("slf4j-api-2."),
                org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation().toString());
        Class<?> pluginSession = pluginLoader.loadClass("org.apache.sshd.client.session.ClientSession");
        assertTrue(pluginSession.getProtectionDomain().getCodeSource().getLocation().toString().endsWith("lib/sshd-core-2.20.0.jar"));
    }

    @Test
    void discoveryOverSshFindsTheTestsContainers() throws Exception {
        DiscoveryEngine engine = new DiscoveryEngine(registry);
        // Only this run's containers: the engine is shared, and each container elsewhere costs exec probes over SSH.
        ContainerFilter onlyOurs = ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID));
        DiscoveryResult result = engine.discover(List.of(target()), DiscoveryOptions.defaults().withFilter(onlyOurs));
        assertEquals(List.of(), result.failures());
        DockerEngine docker = result.inventory().engines().get(0);
        assertEquals("docker-ssh", docker.reachedVia().get(0).plugin());
        assertEquals("ssh://127.0.0.1:" + server.port(), docker.reachedVia().get(0).address());
        List<Container> ours = docker.containers().stream().filter(c -> TestContainer.RUN_ID.equals(c.labels().get(TestContainer.RUN_LABEL))).toList();
        assertTrue(ours.stream().anyMatch(c -> c.id().equals(web.getContainerId()) && "ssh-example".equals(c.labels().get("role"))), ours.toString());
        assertTrue(ours.stream().anyMatch(c -> c.id().equals(server.container.getContainerId())), ours.toString());
    }

    @Test
    void theSshAgentsKeyLogsIn() throws Exception {
        // OpenSSH's ssh-agent holds the authorized key; the home has no key file of its own.
        Path agentHome = SshServer.home(SshServer.ecdsaKeyPair(), server.knownHostsLine());
        Path socket = agentHome.resolve("agent.sock");
        Path keyFile = Files.createTempFile(agentHome, "agent-key", "");
        Files.writeString(keyFile, SshServer.openSshPrivateKey(server.authorized));
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 50 && !Files.exists(socket); i++) {
                Thread.sleep(100);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", keyFile.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process added = add.start();
            String out = new String(added.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(added.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && added.exitValue() == 0, "ssh-add: " + out);
            Files.delete(keyFile);

            TargetSpec withAgent = new TargetSpec(URI.create(server.url()), null, null, Map.of("HOME", agentHome.toString(), "SSH_AUTH_SOCK", socket.toString()));
            try (DockerConnection docker = DockerConnection.open(registry.find("docker-ssh").orElseThrow().plugin().transport(withAgent), Duration.ofSeconds(20))) {
                assertTrue(docker.listContainers(false, ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID)))
                        .stream().anyMatch(c -> c.id().equals(web.getContainerId())));
            }
            // Without the agent the same home's own key (not authorized) is refused: the agent's key is what logged in.
            TargetSpec withoutAgent = new TargetSpec(URI.create(server.url()), null, null, Map.of("HOME", agentHome.toString()));
            try (DockerConnection docker = DockerConnection.open(registry.find("docker-ssh").orElseThrow().plugin().transport(withoutAgent), Duration.ofSeconds(20))) {
                io.scanopy.engine.docker.DockerAccessException refused = org.junit.jupiter.api.Assertions.assertThrows(io.scanopy.engine.docker.DockerAccessException.class,
                        () -> docker.listContainers(false, ContainerFilter.none()));
                assertTrue(refused.getMessage().contains("was refused for ~/.ssh/id_ecdsa"), refused.getMessage());
            }
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "ssh-agent ended");
            SshServer.deleteTree(agentHome);
        }
    }

    @Test
    void anEd25519KeyFileAsSshKeygenMakesItLogsIn() throws Exception {
        // The home's only key, and no agent: if Ed25519 did not load, nothing would log in.
        Path edHome = SshServer.homeWithoutKey(server.knownHostsLine());
        try {
            server.authorize(SshServer.sshKeygenEd25519(edHome, "id_ed25519", ""));
            TargetSpec ed25519 = new TargetSpec(URI.create(server.url()), null, null, Map.of("HOME", edHome.toString()));
            ContainerFilter onlyOurs = ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID));
            DiscoveryResult result = new DiscoveryEngine(registry).discover(List.of(ed25519), DiscoveryOptions.defaults().withFilter(onlyOurs));
            assertEquals(List.of(), result.failures());
            assertTrue(result.inventory().engines().get(0).containers().stream().anyMatch(c -> c.id().equals(web.getContainerId())),
                    result.inventory().engines().get(0).containers().toString());
            // The plugin's Bouncy Castle was handed to MINA, not added to the JVM, where the engine and other plugins would meet it.
            ClassLoader pluginLoader = registry.find("docker-ssh").orElseThrow().plugin().getClass().getClassLoader();
            assertEquals(List.of(), java.util.Arrays.stream(java.security.Security.getProviders())
                    .filter(p -> p.getClass().getClassLoader() == pluginLoader).map(java.security.Provider::getName).toList());
        } finally {
            SshServer.deleteTree(edHome);
        }
    }

    @Test
    void aPassphraseProtectedKeyFileIsNamedWithWhatToDo() throws Exception {
        Path lockedHome = SshServer.homeWithoutKey(server.knownHostsLine());
        String passphrase = "scanopy passphrase";
        try {
            // Authorized: the passphrase is the only reason it cannot log in.
            server.authorize(SshServer.sshKeygenEd25519(lockedHome, "id_ed25519", passphrase));
            TargetSpec locked = new TargetSpec(URI.create(server.url()), null, null, Map.of("HOME", lockedHome.toString()));
            try (DockerConnection docker = DockerConnection.open(registry.find("docker-ssh").orElseThrow().plugin().transport(locked), Duration.ofSeconds(20))) {
                io.scanopy.engine.docker.DockerAccessException refused = org.junit.jupiter.api.Assertions.assertThrows(io.scanopy.engine.docker.DockerAccessException.class,
                        () -> docker.listContainers(false, ContainerFilter.none()));
                String message = refused.getMessage();
                assertTrue(message.contains("~/.ssh/id_ed25519 is passphrase-protected"), message);
                assertTrue(message.contains("load it into ssh-agent (ssh-add ~/.ssh/id_ed25519)"), message);
                assertFalse(message.contains(passphrase), message);
            }
        } finally {
            SshServer.deleteTree(lockedHome);
        }
    }

    @Test
    void aHostAliasOfSshConfigIsFollowed() throws Exception {
        // As ssh(1): the alias names host, port and user; nothing of them is in the URL.
        Path config = home.resolve(".ssh/config");
        Files.writeString(config, "Host docker-box\n    HostName 127.0.0.1\n    Port " + server.port() + "\n    User root\n");
        try {
            TargetSpec alias = new TargetSpec(URI.create("ssh://docker-box"), null, null, Map.of("HOME", home.toString()));
            Transport transport = registry.find("docker-ssh").orElseThrow().plugin().transport(alias);
            try (DockerConnection docker = DockerConnection.open(transport, Duration.ofSeconds(20))) {
                assertTrue(docker.listContainers(false, ContainerFilter.parse(List.of("label=" + TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID)))
                        .stream().anyMatch(c -> c.id().equals(web.getContainerId())));
            }
        } finally {
            Files.delete(config);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(90)
    void eventsAndExecGoOverTheChannel() throws Exception {
        Transport transport = registry.find("docker-ssh").orElseThrow().plugin().transport(target());
        assertTrue(transport instanceof Transport.Connected, transport.toString());
        try (DockerConnection docker = DockerConnection.open(transport, Duration.ofSeconds(20))) {
            ExecOutput exec = docker.exec(web.getContainerId(), List.of("echo", "over-ssh"), Duration.ofSeconds(10), 1024);
            assertEquals(null, exec.failure());
            // The end of the exec's output reaches the engine as the end of the stream (Docker half-closes, sshd sends EOF), not by the probe's timeout.
            assertFalse(exec.timedOut(), "the exec's output did not end until its timeout");
            assertEquals("over-ssh", new String(exec.output(), StandardCharsets.UTF_8).strip());
            try (EventStream events = docker.events(Instant.now().minusSeconds(1))) {
                TestContainer started = new TestContainer().withLabel("role", "ssh-event");
                started.start();
                try {
                    DockerEvent seen = null;
                    // Bounded: a start emits a few events (create, attach, start) before ours is named.
                    for (int i = 0; i < 50 && seen == null; i++) {
                        DockerEvent e = events.next();
                        assertNotNull(e, "the event stream ended");
                        if (e.actorId() != null && e.actorId().equals(started.getContainerId()) && e.action().equals("start")) {
                            seen = e;
                        }
                    }
                    assertNotNull(seen, "no start event for " + started.getContainerId());
                } finally {
                    started.stop();
                }
            }
        }
        assertFalse(transport.describe().contains("root"), "no user name in the address shown: " + transport.describe());
    }
}
