package io.scanopy.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Swarm on the engine under test, made with the docker CLI as a user makes one:
 * {@code docker swarm init} with an address pool no engine of the suite uses, an overlay
 * network, a replicated service on it publishing a port through the routing mesh, a global
 * service publishing a host-mode port, and a stack ({@code docker stack deploy}). Everything
 * runs the test kit's local busybox image (no registry is asked: {@code --no-resolve-image}).
 * {@link #close} removes what it made and leaves the swarm, so the engine is as before for the
 * other test runs on it. Every wait is bounded.
 */
final class SwarmFixture implements AutoCloseable {
    /** The address pool of the swarm: the engines' bridges and pools use 10.225/10.226 and Docker's defaults; also how a leftover of ours is told. */
    static final String ADDRESS_POOL = "10.227.0.0/16";
    static final String LABEL = "scanopy.test=swarm";
    static final String NETWORK = "scanopy-swarm-net";
    static final String WEB = "scanopy-swarm-web";
    static final String AGENT = "scanopy-swarm-agent";
    static final String STACK = "scanopy-swarm-stack";
    static final String STACK_SERVICE = STACK + "_api";
    static final String STACK_NETWORK = STACK + "_back";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    final int webPort;
    final int agentPort;
    private boolean gatewayBridgeExisted;
    private boolean joined;

    private SwarmFixture(int webPort, int agentPort) {
        this.webPort = webPort;
        this.agentPort = agentPort;
    }

    /**
     * Makes the swarm and deploys the services, then waits until every task runs.
     *
     * @return the fixture (close it)
     */
    static SwarmFixture start() throws Exception {
        SwarmFixture swarm = new SwarmFixture(freePort(), freePort());
        try {
            swarm.init();
            swarm.deploy();
            swarm.awaitReplicas(WEB, "2/2");
            swarm.awaitReplicas(AGENT, "1/1");
            swarm.awaitReplicas(STACK_SERVICE, "1/1");
            return swarm;
        } catch (Exception | AssertionError e) {
            swarm.close();
            throw e;
        }
    }

    private void init() throws Exception {
        String state = docker("info", "--format", "{{.Swarm.LocalNodeState}}").strip();
        if (state.equals("active")) {
            // Ours only if it has our pool: a run that died before its cleanup. Anything else is not ours to leave.
            String pool = docker("info", "--format", "{{json .Swarm.Cluster.DefaultAddrPool}}").strip();
            if (!pool.contains(ADDRESS_POOL)) {
                throw new IllegalStateException("The engine " + EngineUnderTest.dockerHost() + " is already in a Swarm that this test did not make"
                        + " (address pool " + pool + "); leave it (docker swarm leave --force) or run the test on another engine");
            }
            docker("swarm", "leave", "--force");
        }
        gatewayBridgeExisted = !docker("network", "ls", "--filter", "name=^docker_gwbridge$", "-q").isBlank();
        docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--default-addr-pool", ADDRESS_POOL);
        joined = true;
    }

    private void deploy() throws Exception {
        String image = TestImages.busybox();
        docker("network", "create", "--driver", "overlay", "--label", LABEL, NETWORK);
        docker("service", "create", "--detach", "--no-resolve-image", "--name", WEB, "--label", LABEL, "--container-label", LABEL,
                "--replicas", "2", "--network", NETWORK, "--stop-grace-period", "1s", "--publish", "published=" + webPort + ",target=80",
                image, "httpd", "-f", "-p", "80");
        // Busybox as PID 1 ignores SIGTERM: a short grace period keeps the removal at the end quick.
        // Nothing listens on 81 in its container: the host-mode port is there to be described, not reached.
        docker("service", "create", "--detach", "--no-resolve-image", "--name", AGENT, "--label", LABEL, "--container-label", LABEL,
                "--mode", "global", "--stop-grace-period", "1s", "--publish", "mode=host,published=" + agentPort + ",target=81",
                image, "sleep", "600");
        Path compose = Files.createTempFile("scanopy-swarm-stack", ".yml");
        try (InputStream in = SwarmFixture.class.getResourceAsStream("swarm-stack.yml")) {
            Files.write(compose, in.readAllBytes());
        }
        try {
            docker("stack", "deploy", "--resolve-image", "never", "--compose-file", compose.toString(), STACK);
        } finally {
            Files.deleteIfExists(compose);
        }
    }

    /** Waits until {@code docker service ls} shows the replicas running. */
    void awaitReplicas(String service, String replicas) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = docker("service", "ls", "--filter", "name=" + service, "--format", "{{.Name}} {{.Replicas}}").strip();
            if (seen.lines().anyMatch(l -> l.equals(service + " " + replicas))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(service + " not at " + replicas + " within " + CONVERGE.toSeconds() + " s: " + seen + "\n"
                + docker("service", "ps", "--no-trunc", service));
    }

    /**
     * @return the swarm's cluster id and this node's id, as {@code docker info} gives them
     */
    List<String> clusterAndNode() throws Exception {
        return List.of(docker("info", "--format", "{{.Swarm.Cluster.ID}}").strip(), docker("info", "--format", "{{.Swarm.NodeID}}").strip());
    }

    /**
     * Runs the docker CLI on the engine under test, bounded.
     *
     * @param args its arguments (fixed by the test; nothing from a container)
     * @return its standard output
     */
    static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", EngineUnderTest.dockerHost());
        Process process = builder.start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            // The CLI's answers are small; reading to the end ends when it exits (or is killed below).
            java.util.concurrent.CompletableFuture<byte[]> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("docker " + String.join(" ", args) + " did not end within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            output = read.join();
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + " failed (" + process.exitValue() + "): " + text.strip());
        }
        return text;
    }

    private static boolean tasksContainersLeft() throws IOException, InterruptedException {
        return !docker("ps", "-a", "-q", "--filter", "label=com.docker.stack.namespace=" + STACK).isBlank()
                || !docker("ps", "-a", "-q", "--filter", "label=" + LABEL).isBlank();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Removes the services, the stack and the network, waits for their containers to go, and leaves the swarm. */
    @Override
    public void close() throws Exception {
        if (!joined) {
            return;
        }
        List<Throwable> failures = new ArrayList<>();
        for (String[] step : List.of(new String[] {"stack", "rm", STACK}, new String[] {"service", "rm", WEB, AGENT})) {
            try {
                docker(step);
            } catch (Exception | AssertionError e) {
                failures.add(e);
            }
        }
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (System.nanoTime() < deadline && tasksContainersLeft()) {
            Thread.sleep(200);
        }
        for (String[] step : List.of(new String[] {"network", "rm", NETWORK}, new String[] {"swarm", "leave", "--force"})) {
            try {
                docker(step);
            } catch (Exception | AssertionError e) {
                failures.add(e);
            }
        }
        joined = false;
        if (!gatewayBridgeExisted) {
            // Made by swarm init for this test: nothing else uses it once the swarm is left.
            try {
                docker("network", "rm", "docker_gwbridge");
            } catch (Exception | AssertionError e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("cleaning up the swarm: " + failures.get(0).getMessage());
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }
}
