package io.scanopy.testkit.proxy;

import com.github.dockerjava.api.model.ExposedPort;
import io.scanopy.testkit.EngineUnderTest;
import io.scanopy.testkit.LoopbackPorts;
import io.scanopy.testkit.TestContainer;
import java.util.List;
import java.util.Map;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import java.util.ArrayList;
import org.testcontainers.containers.GenericContainer;

/**
 * A socket proxy in front of the engine under test, published on 127.0.0.1 only: that engine's
 * socket on this machine ({@link EngineUnderTest#socket()}) is the proxy's
 * {@code /var/run/docker.sock}. Configure it with the same environment or flags as the real proxy
 * (for example from a plugin's {@link io.scanopy.spi.ProxySetup}); {@link #url()} is what the
 * daemon is given.
 */
public final class ProxyContainer extends GenericContainer<ProxyContainer> {
    private final ProxyImage image;
    private final int port;
    private final String scheme;
    private final List<Bind> binds = new ArrayList<>();
    private Integer hostPort;
    /** The user the container runs as; null keeps the image's own. */
    private String user;
    private boolean readOnlyRoot;
    private final Map<String, String> tmpfs = new java.util.LinkedHashMap<>();

    /**
     * @param image the proxy image
     * @param port the port it listens on inside the container
     * @param scheme {@code http} or {@code https}
     */
    public ProxyContainer(ProxyImage image, int port, String scheme) {
        super(image.name());
        this.image = image;
        this.port = port;
        this.scheme = scheme;
        withLabel(TestContainer.RUN_LABEL, TestContainer.RUN_ID);
        readOnlyBind(EngineUnderTest.socket().toString(), "/var/run/docker.sock");
        withCreateContainerCmdModifier(cmd -> {
            LoopbackPorts.apply(cmd, List.<ExposedPort>of(), List.of(port));
            if (hostPort != null) {
                HostConfig fixed = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
                cmd.withHostConfig(fixed.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(port))));
            }
            // Binds set directly: Testcontainers' own file-system binds first probe with a helper
            // image, which cannot be pulled here (minutes of waiting).
            HostConfig hostConfig = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
            cmd.withHostConfig(hostConfig.withBinds(binds));
            if (readOnlyRoot) {
                hostConfig.withReadonlyRootfs(true).withTmpFs(tmpfs);
            }
        });
        if (image.name().startsWith(ProxyImages.WOLLOMATIC_UPSTREAM) || image.name().startsWith(ProxyImages.WOLLOMATIC_REPLICA)) {
            // Upstream and replica run as 65534 (the image's USER): they need the socket's group.
            user = "65534:" + socketGroup();
        }
        withCreateContainerCmdModifier(cmd -> {
            if (user != null) {
                cmd.withUser(user);
            }
        });
    }

    /**
     * Runs the container as another user than the default ({@code 65534:<socket group>} for
     * wollomatic, else the image's own).
     *
     * @param userAndGroup {@code uid:gid}, as compose's {@code user:} or {@code docker run --user}
     * @return this
     */
    public ProxyContainer asUser(String userAndGroup) {
        this.user = userAndGroup;
        return this;
    }

    /**
     * The exit of a proxy that stops by itself at start-up.
     *
     * @param status its exit status
     * @param output what it wrote (stdout and stderr)
     */
    public record Exit(long status, String output) {
    }

    /**
     * Starts a proxy expected to refuse to run (a misconfiguration) and waits, bounded, for it
     * to exit.
     *
     * @param timeout how long it may take
     * @return its exit status and output
     * @throws AssertionError when it is still running after the timeout
     */
    public Exit startExpectingExit(java.time.Duration timeout) {
        withStartupCheckStrategy(new org.testcontainers.containers.startupcheck.StartupCheckStrategy() {
            @Override
            public StartupStatus checkStartupState(com.github.dockerjava.api.DockerClient client, String containerId) {
                return StartupStatus.SUCCESSFUL;
            }
        });
        waitingFor(new org.testcontainers.containers.wait.strategy.AbstractWaitStrategy() {
            @Override
            protected void waitUntilReady() {
            }
        });
        super.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var state = getDockerClient().inspectContainerCmd(getContainerId()).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                return new Exit(state.getExitCodeLong(), getLogs());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the proxy still runs after " + timeout + "; logs:\n" + getLogs());
    }

    /**
     * @return the group id of the engine under test's socket, as {@code stat -c %g SOCKET} prints it
     */
    public static String socketGroup() {
        return String.valueOf(EngineUnderTest.socketGroup());
    }

    /**
     * Mounts a host path read-only.
     *
     * @param hostPath the host path
     * @param containerPath where it appears in the container
     * @return this
     */
    public ProxyContainer readOnlyBind(String hostPath, String containerPath) {
        binds.add(new Bind(hostPath, new Volume(containerPath), AccessMode.ro));
        return this;
    }

    /**
     * Runs with a read-only root file system and the given tmpfs mounts, as a setup's
     * {@code read_only: true} and {@code tmpfs:} ask.
     *
     * @param mounts the writable tmpfs mount points, for example {@code /run}
     * @return this
     */
    public ProxyContainer readOnlyRoot(List<String> mounts) {
        this.readOnlyRoot = true;
        mounts.forEach(m -> tmpfs.put(m, ""));
        return this;
    }

    /**
     * Publishes on a chosen port of 127.0.0.1 instead of a random one: a proxy started again in
     * place of one that was killed answers at the same URL, as a restarted proxy would.
     *
     * @param loopbackPort the host port on 127.0.0.1
     * @return this
     */
    public ProxyContainer onLoopbackPort(int loopbackPort) {
        this.hostPort = loopbackPort;
        return this;
    }

    /**
     * @param environment the proxy's environment
     * @return this
     */
    public ProxyContainer withProxyEnvironment(Map<String, String> environment) {
        environment.forEach(this::withEnv);
        return this;
    }

    /**
     * @param flags the proxy's command-line flags
     * @return this
     */
    public ProxyContainer withFlags(List<String> flags) {
        withCommand(flags.toArray(new String[0]));
        return this;
    }

    @Override
    public void start() {
        super.start();
        if (scheme.equals("http")) {
            LoopbackPorts.awaitHttp(getMappedPort(port), 15);
        } else {
            awaitListeningInside();
        }
    }

    /** For TLS: wait (bounded) until the port is in LISTEN state inside the container (our image has busybox). */
    private void awaitListeningInside() {
        String hexPort = String.format(":%04X 00000000:0000 0A", port);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                String tcp = execInContainer("cat", "/proc/net/tcp", "/proc/net/tcp6").getStdout();
                if (tcp.contains(hexPort) || tcp.contains(String.format(":%04X 00000000000000000000000000000000:0000 0A", port))) {
                    return;
                }
                Thread.sleep(100);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the proxy does not listen on " + port + " after 15 s; logs:\n" + getLogs());
    }

    /**
     * @return the URL the daemon uses, for example {@code http://127.0.0.1:32768}
     */
    public String url() {
        return scheme + "://127.0.0.1:" + getMappedPort(port);
    }

    /**
     * @return the image this proxy runs on
     */
    public ProxyImage image() {
        return image;
    }
}
