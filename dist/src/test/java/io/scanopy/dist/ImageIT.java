package io.scanopy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.server.ServerSettings;
import io.scanopy.testkit.TestContainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the build made (scanopy-daemon:VERSION), run as a user's compose file runs it:
 * read-only, every capability dropped, no new privileges, the socket mounted read-only and its
 * group added. Docker's own health status is what the tests wait for.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {
    private static final String IMAGE = System.getProperty("scanopy.test.image");
    private static final long MAX_IMAGE_BYTES = 120_000_000L;
    private static final int DAEMON_PORT = ServerSettings.DEFAULT_PORT;
    private static final Path SOCKET = Path.of("/var/run/docker.sock");
    private static final String DOCKER26 = System.getProperty("scanopy.test.docker26.host", "unix:///run/docker26.sock");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final DockerCli docker = new DockerCli(System.getenv().getOrDefault("DOCKER_HOST", "unix://" + SOCKET));
    private final DockerCli docker26 = new DockerCli(DOCKER26);
    /** Names of this run's containers, per engine, removed after the tests. */
    private final String prefix = "scanopy-image-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterAll
    void removeWhatTheTestsCreated() {
        cleanup.forEach(Runnable::run);
    }

    @Test
    void theImageIsFromScratchWithinTheSizeBudgetRunsAsANonRootUserAndUsesItsCdsArchive() throws Exception {
        JsonNode image = JSON.readTree(docker.run("image", "inspect", IMAGE).ok()).get(0);
        long size = image.path("Size").asLong();
        assertTrue(size > 0 && size <= MAX_IMAGE_BYTES, "image size " + size + " bytes, budget " + MAX_IMAGE_BYTES);
        assertEquals(image.path("Id").asText(), docker.run("image", "inspect", "--format", "{{.Id}}", "scanopy-daemon:latest").ok(), ":latest is the same image");
        // Our three layers only (the files, the class list, the CDS archive): nothing beneath them.
        assertEquals(3, image.path("RootFS").path("Layers").size(), image.path("RootFS").toString());
        JsonNode config = image.path("Config");
        assertEquals("10001:10001", config.path("User").asText());
        assertTrue(config.path("Env").toString().contains("\"SCANOPY_BIND_ADDRESS=0.0.0.0\""), config.path("Env").toString());
        assertTrue(config.path("ExposedPorts").has(DAEMON_PORT + "/tcp"), config.path("ExposedPorts").toString());
        JsonNode healthcheck = config.path("Healthcheck").path("Test");
        assertEquals("CMD", healthcheck.get(0).asText(), "exec form, no shell: " + healthcheck);
        assertEquals("health", healthcheck.get(healthcheck.size() - 1).asText(), healthcheck.toString());

        DockerCli.Result user = docker.run("run", "--rm", "--entrypoint", "/opt/java/bin/java", IMAGE, "-XshowSettings:properties", "-version");
        assertEquals(0, user.exitCode(), user.err());
        assertTrue(user.err().contains("user.name = scanopy"), "runs as the image's own user");
        // -Xshare:on fails when the archive cannot be mapped or no longer matches the class path.
        DockerCli.Result cds = docker.run("run", "--rm", "--read-only", "--entrypoint", "/opt/java/bin/java", IMAGE,
                "-Xshare:on", "-XX:SharedArchiveFile=/opt/scanopy-daemon/lib/scanopy-cds.jsa", "-cp", "/opt/scanopy-daemon/lib/*", "io.scanopy.cli.ScanopyDaemon", "--version");
        assertEquals(0, cds.exitCode(), "the CDS archive made at build time is usable: " + cds.err());
    }

    @Test
    void lockedDownWithTheSocketsGroupItBecomesHealthyAndServesTheInventoryWithItsKey() throws Exception {
        String key = UUID.randomUUID().toString();
        try (TestContainer web = new TestContainer().withLabel("role", "image-it")) {
            web.start();
            String name = startLockedDown(docker, "healthy", SOCKET, true, "-e", "SCANOPY_DAEMON_API_KEY=" + key, "-p", "127.0.0.1::" + DAEMON_PORT);
            JsonNode health = awaitHealth(docker, name, "healthy");
            JsonNode last = lastCheck(health);
            assertEquals(0, last.path("ExitCode").asInt(), last.toString());
            assertEquals("healthy: 1 target(s) ready", last.path("Output").asText().strip());

            String published = docker.run("port", name, DAEMON_PORT + "/tcp").ok();
            assertTrue(published.startsWith("127.0.0.1:"), "published on loopback only: " + published);
            String url = "http://" + published + "/api/inventory";
            assertEquals(401, get(url, null).statusCode(), "the key is required");
            HttpResponse<String> inventory = get(url, key);
            assertEquals(200, inventory.statusCode(), inventory.body());
            assertTrue(inventory.body().contains(web.getContainerId()), "the container the test started is in the inventory");

            // The daemon's process, as the kernel sees it: our user, the socket's group, no capabilities.
            String pid = docker.run("inspect", "--format", "{{.State.Pid}}", name).ok();
            String status = Files.readString(Path.of("/proc", pid, "status"));
            assertTrue(status.contains("\nUid:\t10001\t10001\t10001\t10001\n"), status);
            assertTrue(status.contains("\nGid:\t10001\t10001\t10001\t10001\n"), status);
            String socketGroup = String.valueOf(Files.getAttribute(SOCKET, "unix:gid"));
            assertTrue(status.lines().anyMatch(l -> l.startsWith("Groups:") && List.of(l.substring(7).strip().split("\\s+")).contains(socketGroup)), status);
            assertTrue(status.contains("\nCapEff:\t0000000000000000\n"), status);
            assertTrue(status.contains("\nNoNewPrivs:\t1\n"), status);
            assertTrue(docker.run("logs", name).err().contains("local Docker ready: plugin docker-direct"), "the image's own plugins load from its read-only plugins/");
        }
    }

    @Test
    void withoutTheSocketsGroupItIsUnhealthyWithOneLineWhyAndTheDaemonSaysSoInItsLog() throws Exception {
        String name = startLockedDown(docker, "nogroup", SOCKET, false);
        JsonNode last = lastCheck(awaitHealth(docker, name, "unhealthy"));
        assertEquals(1, last.path("ExitCode").asInt(), last.toString());
        String output = last.path("Output").asText().strip();
        assertFalse(output.contains("\n"), "one line: " + output);
        assertTrue(output.startsWith("unhealthy: local Docker is ") && output.contains("Permission denied on Docker socket /var/run/docker.sock"), output);
        String logs = docker.run("logs", name).err();
        assertTrue(logs.lines().anyMatch(l -> l.contains("local Docker: Permission denied on Docker socket /var/run/docker.sock") && l.contains("--group-add")), logs);
        assertFalse(logs.contains("Exception") || logs.contains("\tat "), logs);
    }

    @Test
    void theHealthCommandsExitCodes() {
        // No daemon in this container: nothing answers on the port it asks (SCANOPY_DAEMON_PORT, loopback for 0.0.0.0).
        DockerCli.Result noAnswer = docker.run("run", "--rm", "--read-only", "-e", "SCANOPY_DAEMON_PORT=61000", IMAGE, "health");
        assertEquals(1, noAnswer.exitCode(), noAnswer.err());
        assertTrue(noAnswer.out().strip().startsWith("unhealthy: no answer from http://127.0.0.1:61000/api/health ("), noAnswer.out());
        assertEquals(1, noAnswer.out().strip().lines().count(), noAnswer.out());

        DockerCli.Result badPort = docker.run("run", "--rm", "--read-only", "-e", "SCANOPY_DAEMON_PORT=http", IMAGE, "health");
        // Docker's HEALTHCHECK reserves exit 2: a setting it cannot use is unhealthy, in one line.
        assertEquals(1, badPort.exitCode(), badPort.err());
        assertEquals("unhealthy: SCANOPY_DAEMON_PORT=http is not a port number: use 1-65535", badPort.out().strip());
        // Exit 0 (healthy) is what Docker records in the healthy test above.
    }

    @Test
    void aReadOnlyPluginsFolderIsUnpackedIntoTmpAndWithoutAWritableTmpEachArchiveSaysWhy(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectory(work.resolve("plugins"));
        Process untar = new ProcessBuilder("tar", "-xzf", System.getProperty("scanopy.test.distribution"), "-C", plugins.toString(),
                "--strip-components=2", "--wildcards", "*/plugins/*.zip").inheritIO().start();
        assertTrue(untar.waitFor(60, TimeUnit.SECONDS) && untar.exitValue() == 0, "tar");
        // Readable by the image's user, as a user's own folder would be.
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Path> zips;
        try (Stream<Path> files = Files.list(plugins)) {
            zips = files.toList();
        }
        assertEquals(3, zips.size(), zips.toString());
        for (Path zip : zips) {
            Files.setPosixFilePermissions(zip, PosixFilePermissions.fromString("rw-r--r--"));
        }
        String mount = plugins + ":/plugins:ro";

        DockerCli.Result withTmpfs = docker.run("run", "--rm", "--read-only", "--cap-drop", "ALL", "--tmpfs", "/tmp", "-v", mount,
                "-e", "SCANOPY_PLUGINS_DIR=/plugins", IMAGE, "plugins");
        assertEquals(0, withTmpfs.exitCode(), withTmpfs.err() + withTmpfs.out());
        assertEquals(4, withTmpfs.out().lines().filter(l -> l.contains("[archive: /tmp/scanopy-plugins-")).count(), withTmpfs.out());
        assertFalse(withTmpfs.out().contains("NOT LOADED"), withTmpfs.out());

        DockerCli.Result readOnlyTmp = docker.run("run", "--rm", "--read-only", "--cap-drop", "ALL", "-v", mount,
                "-e", "SCANOPY_PLUGINS_DIR=/plugins", IMAGE, "plugins");
        assertEquals(1, readOnlyTmp.exitCode(), readOnlyTmp.err() + readOnlyTmp.out());
        List<String> notLoaded = readOnlyTmp.out().lines().filter(l -> l.startsWith("NOT LOADED ")).toList();
        assertEquals(3, notLoaded.size(), readOnlyTmp.out());
        for (String line : notLoaded) {
            assertTrue(line.contains(".zip: cannot unpack it: the plugins directory /plugins is read-only and java.io.tmpdir (/tmp) is not writable either")
                    && line.contains("a tmpfs at /tmp"), line);
        }
        try (Stream<Path> files = Files.list(plugins)) {
            assertEquals(3, files.count(), "nothing was written into the read-only folder");
        }
    }

    @Test
    @Tag("docker26")
    void copiedToDocker26WithoutARegistryItBecomesHealthyThere() throws Exception {
        docker.copyImage(IMAGE, docker26);
        cleanup.add(() -> docker26.run("rmi", IMAGE));
        Path socket26 = Path.of(URI.create(DOCKER26.replace("unix://", "file://")).getPath());
        String name = startLockedDown(docker26, "docker26", socket26, true);
        JsonNode last = lastCheck(awaitHealth(docker26, name, "healthy"));
        assertEquals(0, last.path("ExitCode").asInt(), last.toString());
        assertEquals("healthy: 1 target(s) ready", last.path("Output").asText().strip());
        assertTrue(docker26.run("logs", name).err().contains("(Docker 26."), "it followed the Docker 26 engine it was given");
    }

    /**
     * Starts the daemon as the README's compose example does, with the health check every second
     * (the image's own command) so the test does not wait the image's 30 s interval.
     */
    private String startLockedDown(DockerCli engine, String suffix, Path socket, boolean socketGroup, String... more) throws Exception {
        String name = prefix + "-" + suffix;
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--label", TestContainer.RUN_LABEL + "=" + TestContainer.RUN_ID,
                "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true",
                "-v", socket + ":/var/run/docker.sock:ro",
                "--health-interval", "1s", "--health-start-period", "1s", "--health-retries", "2"));
        if (socketGroup) {
            args.addAll(List.of("--group-add", String.valueOf(Files.getAttribute(socket, "unix:gid"))));
        }
        args.addAll(List.of(more));
        args.add(IMAGE);
        cleanup.add(0, () -> engine.run("rm", "-f", name));
        engine.run(args.toArray(String[]::new)).ok();
        return name;
    }

    /** Waits, bounded, for Docker's health status of the container; fails at once if it stops. */
    private static JsonNode awaitHealth(DockerCli engine, String name, String wanted) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode state;
        do {
            state = JSON.readTree(engine.run("inspect", "--format", "{{json .State}}", name).ok());
            if (!state.path("Running").asBoolean()) {
                throw new AssertionError(name + " stopped: " + state + "\n" + engine.run("logs", name).err());
            }
            if (wanted.equals(state.path("Health").path("Status").asText())) {
                return state.path("Health");
            }
            Thread.sleep(250);
        } while (System.nanoTime() < end);
        throw new AssertionError(name + " not " + wanted + " within 60 s: " + state + "\n" + engine.run("logs", name).err());
    }

    private static JsonNode lastCheck(JsonNode health) {
        JsonNode log = health.path("Log");
        return log.get(log.size() - 1);
    }

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
