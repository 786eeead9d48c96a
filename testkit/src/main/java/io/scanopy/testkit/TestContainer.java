package io.scanopy.testkit;

import com.github.dockerjava.api.model.ExposedPort;
import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.ContainerFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * A busybox container for discovery tests. Every one carries the run label, so a test judges
 * only its own containers on a shared engine. Ports are published on 127.0.0.1 only (our
 * network rule), never on all interfaces.
 */
public final class TestContainer extends GenericContainer<TestContainer> {
    /** The label every test container carries; its value is {@link #RUN_ID}. */
    public static final String RUN_LABEL = "io.scanopy.test.run";
    /** This JVM's run id. */
    public static final String RUN_ID = UUID.randomUUID().toString();
    /** The filter that keeps this run's containers, as {@code --filter} takes it. */
    public static final String THIS_RUN = "label=" + RUN_LABEL + "=" + RUN_ID;

    /**
     * @return a filter that discovers and probes this run's containers only: on a shared engine,
     *     a test that probed every container would put its execs in other tests' counts
     */
    public static ContainerFilter thisRun() {
        try {
            return ContainerFilter.parse(List.of(THIS_RUN));
        } catch (ConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<ExposedPort> exposed = new ArrayList<>();
    private final List<Integer> published = new ArrayList<>();

    /** A busybox container that sleeps until stopped. */
    public TestContainer() {
        this(TestImages.busybox());
    }

    /**
     * A container of another locally built image (see {@link TestImages}); give it a command.
     *
     * @param image the image
     */
    public TestContainer(String image) {
        super(image);
        withLabel(RUN_LABEL, RUN_ID);
        withCommand("sleep", "3600");
        withCreateContainerCmdModifier(cmd -> LoopbackPorts.apply(cmd, exposed, published));
    }

    /**
     * Serves HTTP with busybox httpd on a container port (a page in /www).
     *
     * @param port the container port
     * @return this
     */
    public TestContainer servingHttp(int port) {
        return withCommand("sh", "-c", "mkdir -p /www && echo '<html><title>scanopy test</title></html>' > /www/index.html && exec httpd -f -p " + port + " -h /www");
    }

    /**
     * Publishes a container port on a random port of 127.0.0.1.
     *
     * @param port the container port
     * @return this
     */
    public TestContainer publishedOnLoopback(int port) {
        published.add(port);
        return this;
    }

    /**
     * Exposes a container port without publishing it.
     *
     * @param port the container port
     * @param protocol tcp or udp
     * @return this
     */
    public TestContainer exposedOnly(int port, String protocol) {
        exposed.add(protocol.equals("udp") ? ExposedPort.udp(port) : ExposedPort.tcp(port));
        return this;
    }

    /**
     * Joins a network under an alias.
     *
     * @param network the network
     * @param alias the alias
     * @return this
     */
    public TestContainer onNetwork(Network network, String alias) {
        withNetwork(network);
        withNetworkAliases(alias);
        return this;
    }

    /**
     * Connects the running container to one more network.
     *
     * @param network the network
     * @param alias the alias on it
     */
    public void connect(Network network, String alias) {
        DockerClientFactory.instance().client().connectToNetworkCmd()
                .withNetworkId(network.getId())
                .withContainerId(getContainerId())
                .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(alias))
                .exec();
    }

    /**
     * Stops and removes the container. Stopped at once first: Podman 4.3's Docker-API kill (what
     * Testcontainers sends) answers only after about 20 s, its stop with no grace period at once;
     * Docker answers both at once. Testcontainers then removes the stopped container.
     */
    @Override
    public void stop() {
        String id = getContainerId();
        if (id != null) {
            try {
                DockerClientFactory.instance().client().stopContainerCmd(id).withTimeout(0).exec();
            } catch (RuntimeException e) {
                // Already stopped or gone: the removal below handles both.
            }
        }
        super.stop();
    }

    /** Stops the container but leaves it in place (stopped containers are part of an {@code --all} inventory). */
    public void stopInPlace() {
        DockerClientFactory.instance().client().stopContainerCmd(getContainerId()).withTimeout(1).exec();
    }
}
