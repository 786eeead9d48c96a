package io.scanopy.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.scanopy.testkit.EngineUnderTest;
import io.scanopy.testkit.RequiresDocker;
import io.scanopy.testkit.TestContainer;
import io.scanopy.testkit.proxy.ProxyContainer;
import io.scanopy.testkit.proxy.ProxyImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The tarball as a user gets it: unpacked, run through bin/scanopy-daemon, plugins from plugins/. */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionIT {
    /** Where docs/inventory.md says the schema is, inside the engine jar. */
    private static final String SCHEMA = "io/scanopy/engine/json/inventory.schema.json";
    private static final String SECRET = "s3cr3t-" + java.util.UUID.randomUUID();
    private Path unpacked;
    private Path home;
    private TestContainer web;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    void unpackAndStartAContainer() throws Exception {
        unpacked = Files.createTempDirectory("scanopy-dist-it");
        Path tarball = Path.of(System.getProperty("scanopy.test.distribution"));
        assertTrue(Files.isRegularFile(tarball), "built distribution missing: " + tarball);
        Run untar = exec(List.of("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()), Map.of());
        assertEquals(0, untar.code(), untar.err());
        try (var dirs = Files.list(unpacked)) {
            home = dirs.findFirst().orElseThrow();
        }
        web = new TestContainer().servingHttp(8080).publishedOnLoopback(8080).withLabel("role", "dist-test")
                .withEnv("API_TOKEN", SECRET);
        web.start();
    }

    @AfterAll
    void stop() {
        if (web != null) {
            web.stop();
        }
        if (unpacked != null) {
            try (var paths = Files.walk(unpacked)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A leftover temp folder is harmless.
            }
        }
    }

    private Run daemon(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/scanopy-daemon").toString()));
        command.addAll(List.of(args));
        return exec(command, env);
    }

    private static Run exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        // stderr to a file: reading one pipe to its end while the other fills would deadlock (--debug writes a lot).
        Path errFile = Files.createTempFile("scanopy-dist-err", ".log");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        String err = Files.readString(errFile);
        Files.delete(errFile);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
    }

    @Test
    void theLayoutIsWhatTheReadmeSays() throws IOException {
        assertTrue(Files.isExecutable(home.resolve("bin/scanopy-daemon")));
        assertTrue(Files.isRegularFile(home.resolve("conf/logback.xml")));
        for (String plugin : List.of("docker-direct", "docker-proxy-tecnativa", "docker-proxy-wollomatic")) {
            try (var files = Files.list(home.resolve("plugins"))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().matches(plugin + "-.*\\.zip")), plugin + " archive in plugins/");
            }
            try (var files = Files.list(home.resolve("lib"))) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(plugin)), plugin + " must not be on the class path");
            }
        }
    }

    @Test
    void discoverPrintsJsonWithTheContainerOnStdoutAndNothingElse() throws Exception {
        Run run = daemon(Map.of(), "discover", "--output", "json");
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err(), "no warnings, no logs on a healthy run");
        JsonNode inventory = new ObjectMapper().readTree(run.out());
        assertEquals(1, inventory.get("schemaVersion").asInt());
        JsonNode container = StreamSupport.stream(inventory.at("/engines/0/containers").spliterator(), false)
                .filter(c -> c.get("id").asText().equals(web.getContainerId())).findFirst()
                .orElseThrow(() -> new AssertionError("test container not in " + run.out()));
        assertEquals("dist-test", container.at("/labels/role").asText());
        assertEquals(TestContainer.RUN_ID, container.at("/labels/" + TestContainer.RUN_LABEL.replace("/", "~1")).asText());
        assertEquals(web.getMappedPort(8080).intValue(), container.at("/ports/0/publicPort").asInt());
        assertEquals("docker-direct", inventory.at("/engines/0/reachedVia/0/plugin").asText());
    }

    /**
     * What {@code discover} prints on the real engine, in its hardest shapes, is valid against the
     * JSON Schema the tarball ships (read from the engine jar in {@code lib/}). Each run has
     * detection on, a target that refuses connections (a failed target, exit 3) and the engine
     * through a Tecnativa replica that denies something: first {@code /networks} (exec allowed,
     * so there is exec evidence beside a denied check, its fallback and derived networks), then
     * exec (denied checks, detection without exec). The engine is not reached directly as well:
     * the inventory keeps one route per engine, the best, and a direct one would hide the denial.
     */
    @Test
    void discoverOutputWithDetectionADenialAndAFailedTargetMatchesTheShippedSchema() throws Exception {
        int refusing;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refusing = closed.getLocalPort();
        }
        JsonSchema schema = shippedSchema();
        Map<String, String> withoutNetworks = Map.of("CONTAINERS", "1", "INFO", "1", "POST", "1", "EXEC", "1");
        Map<String, String> withoutExec = Map.of("CONTAINERS", "1", "INFO", "1", "NETWORKS", "1");
        for (Map<String, String> environment : List.of(withoutNetworks, withoutExec)) {
            try (ProxyContainer proxy = new ProxyContainer(ProxyImages.tecnativa(), 2375, "http").withProxyEnvironment(environment)) {
                proxy.start();
                Run run = daemon(Map.of(), "--docker-proxy", proxy.url(), "--docker-proxy", "http://127.0.0.1:" + refusing,
                        "discover", "--output", "json", "--filter", TestContainer.THIS_RUN);
                assertEquals(3, run.code(), "a target failed, the other was discovered: " + run.err());
                assertEquals(1, run.err().lines().count(), run.err());
                assertTrue(run.err().contains("127.0.0.1:" + refusing), run.err());
                JsonNode inventory = new ObjectMapper().readTree(run.out());

                // The output has the shapes this run is about.
                String denied = environment == withoutNetworks ? "list-networks" : "exec-create";
                assertTrue(StreamSupport.stream(inventory.at("/engines/0/capabilities/checks").spliterator(), false)
                        .anyMatch(c -> c.path("capability").asText().equals(denied) && c.path("status").asText().equals("denied")), denied + " denied: " + run.out());
                assertTrue(StreamSupport.stream(inventory.path("notes").spliterator(), false)
                        .anyMatch(n -> n.path("code").asText().equals("target-failed") && n.path("subject").asText().contains(String.valueOf(refusing))),
                        "the failed target's note: " + inventory.path("notes"));
                if (environment == withoutNetworks) {
                    assertTrue(inventory.findValues("route").stream().anyMatch(r -> r.asText().equals("exec")), "evidence read by exec: " + run.out());
                } else {
                    assertTrue(StreamSupport.stream(inventory.at("/engines/0/notes").spliterator(), false)
                            .anyMatch(n -> n.path("code").asText().equals("detection-degraded")), "detection without exec: " + run.out());
                }

                assertEquals(Set.of(), schema.validate(inventory), run.out());
            }
        }
    }

    /** The inventory's JSON Schema as the tarball ships it: in the engine jar under lib/. */
    private JsonSchema shippedSchema() throws IOException {
        Path engineJar;
        try (var jars = Files.list(home.resolve("lib"))) {
            engineJar = jars.filter(j -> j.getFileName().toString().matches("scanopy-engine-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no scanopy-engine jar in " + home.resolve("lib")));
        }
        try (JarFile jar = new JarFile(engineJar.toFile())) {
            JarEntry entry = jar.getJarEntry(SCHEMA);
            assertTrue(entry != null, SCHEMA + " missing from " + engineJar);
            try (var in = jar.getInputStream(entry)) {
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            }
        }
    }

    @Test
    void secretsInContainerEnvironmentsNeverReachTheOutputOrTheDebugLog() throws Exception {
        Run run = daemon(Map.of(), "discover", "--output", "json", "--debug");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("DEBUG"), "debug logging is on");
        assertTrue(!run.err().contains(SECRET), "the container's environment leaked into the debug log");
        assertTrue(!run.out().contains(SECRET), "the inventory carries no environment variables");
    }

    @Test
    void aPasswordInAProxyUrlOrDockerHostNeverReachesTheOutputOrTheDebugLog() throws Exception {
        String user = "distUser5";
        String password = "Dist5ecret";
        for (Map<String, String> env : List.of(Map.of("SCANOPY_DOCKER_PROXY", "http://" + user + ":" + password + "@127.0.0.1:2375"),
                Map.of("DOCKER_HOST", "tcp://" + user + ":" + password + "@127.0.0.1:2375"))) {
            for (String command : List.of("discover", "doctor")) {
                Run run = daemon(env, command, "--debug");
                assertTrue(run.code() != 0, "refused: " + env + " " + run.err());
                assertTrue((run.out() + run.err()).contains("@127.0.0.1:2375"), "named without its user information: " + run.out() + run.err());
                assertTrue(!(run.out() + run.err()).contains(user) && !(run.out() + run.err()).contains(password), "leaked: " + run.out() + run.err());
            }
        }
    }

    @Test
    void outWritesTheSameInventoryToAFile() throws Exception {
        Path out = unpacked.resolve("inventory.json");
        Run run = daemon(Map.of(), "discover", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.out(), "with --out and no --output, stdout stays empty");
        assertTrue(new ObjectMapper().readTree(out.toFile()).at("/engines/0/containers").isArray());
    }

    /**
     * A real full disk: a 64 KiB tmpfs mounted for the test (the suite runs as root) and filled.
     * The discovery succeeds, the write fails in one line naming the user's path, exit 2, and
     * the previous inventory is still there, whole.
     */
    @Test
    void outOnAFullDiskIsOneLineAndKeepsThePreviousFile() throws Exception {
        Path disk = Files.createDirectory(unpacked.resolve("full-disk"));
        Run mount = exec(List.of("mount", "-t", "tmpfs", "-o", "size=64k", "scanopy-dist-it", disk.toString()), Map.of());
        assertEquals(0, mount.code(), mount.err());
        try {
            Path out = Files.writeString(disk.resolve("inventory.json"), "{\"previous\": true}\n");
            try (var filler = java.nio.channels.FileChannel.open(disk.resolve("filler"), java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(4096);
                while (true) {
                    block.clear();
                    filler.write(block);
                }
            } catch (IOException full) {
                assertTrue(full.getMessage().contains("No space left on device"), "precondition: the disk is full: " + full);
            }
            long started = System.nanoTime();
            Run run = daemon(Map.of(), "discover", "--out", out.toString());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(2, run.code(), run.err());
            assertEquals("scanopy-daemon: --out " + out + ": the disk holding " + disk
                    + " is full (No space left on device); free space there, or give a path on another disk; the previous file is kept\n", run.err());
            assertEquals("{\"previous\": true}\n", Files.readString(out));
            try (var files = Files.list(disk)) {
                assertEquals(List.of(disk.resolve("filler"), out), files.sorted().toList(), "no temporary file left");
            }
            System.out.println("discover --out on a full disk: exit 2 in " + millis + " ms");
        } finally {
            assertEquals(0, exec(List.of("umount", disk.toString()), Map.of()).code(), "umount " + disk);
        }
    }

    /**
     * Permission denied can only be shown as another user (root reads and writes anything): the
     * launcher runs as nobody (65534, through util-linux's setpriv) with a config file only root
     * may read, and an --out in a directory only root may write.
     */
    @Test
    void permissionDeniedIsOneLineForANonRootUser() throws Exception {
        Path shared = Files.createDirectory(unpacked.resolve("as-nobody"));
        // The user's way to the launcher and to these files: the temporary folder is 0700.
        Files.setPosixFilePermissions(unpacked, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.writeString(shared.resolve("scanopy.yaml"), "docker-proxy: http://127.0.0.1:9\n");
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", home.resolve("bin/scanopy-daemon").toString());

        List<String> readConfig = new ArrayList<>(asNobody);
        readConfig.addAll(List.of("--config", config.toString(), "discover"));
        Run run = exec(readConfig, Map.of());
        assertEquals(2, run.code(), run.err());
        assertEquals("scanopy-daemon: --config " + config + ": cannot be read (permission denied); let the daemon's user read it\n", run.err());

        Path out = shared.resolve("inventory.json");
        List<String> writeOut = new ArrayList<>(asNobody);
        writeOut.addAll(List.of("discover", "--out", out.toString()));
        run = exec(writeOut, Map.of());
        assertEquals(2, run.code(), run.err());
        assertEquals("scanopy-daemon: --out " + out + ": the directory " + shared + " is not writable (permission denied); let the daemon's user write there, or give another path\n", run.err());
    }

    @Test
    void pluginsListsTheBundledArchives() throws Exception {
        Run run = daemon(Map.of(), "plugins");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("Plugins directory: " + home.resolve("plugins")), run.out());
        // LinuxServer's plugin ships in the docker-proxy-tecnativa archive, beside Tecnativa's.
        for (String plugin : List.of("docker-direct", "docker-proxy-linuxserver", "docker-proxy-tecnativa", "docker-proxy-wollomatic")) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(plugin + " ") && l.contains("[archive: " + home.resolve("plugins"))),
                    plugin + " loaded from plugins/: " + run.out());
        }
        assertTrue(run.out().contains("GET   /containers/json         required"), run.out());
        assertTrue(!run.out().contains("NOT LOADED"), run.out());
    }

    @Test
    void javaOptsAreHonouredAndAMissingSocketIsOneLine() throws Exception {
        Run run = daemon(Map.of("JAVA_OPTS", "-Xmx64m -Dscanopy.test=1", "DOCKER_HOST", "unix://" + unpacked.resolve("no.sock")), "discover");
        assertEquals(1, run.code());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("scanopy-daemon: Docker socket " + unpacked.resolve("no.sock") + " not found"), run.err());
        Run bad = daemon(Map.of("JAVA_OPTS", "-Xmx1k"), "--version");
        assertTrue(bad.code() != 0, "JAVA_OPTS reaches the JVM (an impossible heap fails it)");
    }
}
