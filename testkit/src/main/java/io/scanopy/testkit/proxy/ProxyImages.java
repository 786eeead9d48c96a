package io.scanopy.testkit.proxy;

import com.github.dockerjava.api.exception.NotFoundException;
import io.scanopy.testkit.DockerEngineExtension;
import io.scanopy.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The proxy images of the matrix. The pinned upstream image is used when the local engine has
 * it (pulled or loaded by whoever runs the tests); otherwise a replica is built locally from
 * Debian's haproxy and busybox-static (no registry needed) that behaves as
 * shared/reference/socket-proxies.md describes.
 */
public final class ProxyImages {
    /** Upstream Tecnativa image. */
    public static final String TECNATIVA_UPSTREAM = "tecnativa/docker-socket-proxy:v0.4.1";
    /** Upstream wollomatic image. */
    public static final String WOLLOMATIC_UPSTREAM = "wollomatic/socket-proxy:1.13.1";
    /** Our Tecnativa replica. */
    public static final String TECNATIVA_REPLICA = "scanopy-testkit/tecnativa-replica:v0.4.1";
    /**
     * Our wollomatic replica. The suffix is the replica's revision: a revision that behaves
     * differently (r2 runs as 65534 like upstream) gets its own tag, so checkouts of different
     * revisions sharing one engine never start each other's image.
     */
    public static final String WOLLOMATIC_REPLICA = "scanopy-testkit/wollomatic-replica:1.13.1-r2";
    /** HAProxy terminating mutual TLS in front of the Docker socket. */
    public static final String HTTPS_PROXY = "scanopy-testkit/https-proxy:1";
    /** HAProxy that answers one container's inspection with Docker's 404 (a fault injector). */
    public static final String FAULT_PROXY = "scanopy-testkit/fault-proxy:1";
    /** HAProxy that forwards everything and logs each request on stdout (a request counter). */
    public static final String COUNTING_PROXY = "scanopy-testkit/counting-proxy:1";

    private static final String RESOURCES = "io/scanopy/testkit/proxy/";
    private static final Map<String, ProxyImage> BUILT = new LinkedHashMap<>();

    private ProxyImages() {
    }

    /**
     * @return the Tecnativa image: upstream when present locally, else the replica
     */
    public static synchronized ProxyImage tecnativa() {
        return upstreamOr(TECNATIVA_UPSTREAM, () -> build(TECNATIVA_REPLICA, """
                COPY tecnativa-haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
                COPY tecnativa-entrypoint.sh /docker-entrypoint.sh
                ENV LOG_LEVEL=info SOCKET_PATH=/var/run/docker.sock EVENTS=1 PING=1 VERSION=1 AUTH=0 SECRETS=0 POST=0 BUILD=0 \\
                    COMMIT=0 CONFIGS=0 CONTAINERS=0 DISTRIBUTION=0 EXEC=0 GRPC=0 IMAGES=0 INFO=0 NETWORKS=0 NODES=0 PLUGINS=0 \\
                    SERVICES=0 SESSION=0 SWARM=0 SYSTEM=0 TASKS=0 VOLUMES=0 ALLOW_START=0 ALLOW_STOP=0 ALLOW_RESTARTS=0 DISABLE_IPV6=0
                EXPOSE 2375
                ENTRYPOINT ["/bin/sh", "/docker-entrypoint.sh"]
                """, List.of("tecnativa-haproxy.cfg", "tecnativa-entrypoint.sh")));
    }

    /**
     * @return the wollomatic image: upstream when present locally, else the replica
     */
    public static synchronized ProxyImage wollomatic() {
        return upstreamOr(WOLLOMATIC_UPSTREAM, () -> build(WOLLOMATIC_REPLICA, """
                COPY wollomatic-entrypoint.sh /entrypoint.sh
                RUN ["/bin/busybox", "chmod", "1777", "/tmp"]
                USER 65534:65534
                EXPOSE 2375
                ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]
                """, List.of("wollomatic-entrypoint.sh")));
    }

    /**
     * @return the HTTPS proxy image (ours in every case: it stands for "a TLS proxy")
     */
    public static synchronized ProxyImage https() {
        return BUILT.computeIfAbsent(HTTPS_PROXY, name -> build(name, """
                COPY https-haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
                EXPOSE 2376
                ENTRYPOINT ["/usr/sbin/haproxy", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
                """, List.of("https-haproxy.cfg")));
    }

    /**
     * A fault injector: plain HTTP to the Docker socket, except that the inspection of the
     * container named by the {@code FAULT_CONTAINER} environment variable gets Docker's 404 "No
     * such container", as for a container removed between list and inspect.
     *
     * @return the image (ours)
     */
    public static synchronized ProxyImage fault() {
        return BUILT.computeIfAbsent(FAULT_PROXY, name -> build(name, """
                COPY fault-haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
                EXPOSE 2375
                ENTRYPOINT ["/usr/sbin/haproxy", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
                """, List.of("fault-haproxy.cfg")));
    }

    /**
     * A request counter: plain HTTP to the Docker socket, nothing filtered, every request logged
     * on stdout in HAProxy's httplog format ({@code "GET /v1.41/containers/json HTTP/1.1"}), so a
     * test counts from the container's logs what a client asked of Docker.
     *
     * @return the image (ours)
     */
    public static synchronized ProxyImage counting() {
        return BUILT.computeIfAbsent(COUNTING_PROXY, name -> build(name, """
                COPY counting-haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
                ENV SERVER_TIMEOUT=10m
                EXPOSE 2375
                ENTRYPOINT ["/usr/sbin/haproxy", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
                """, List.of("counting-haproxy.cfg")));
    }

    private static ProxyImage upstreamOr(String upstream, java.util.function.Supplier<ProxyImage> replica) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(upstream).exec();
            return new ProxyImage(upstream, true);
        } catch (NotFoundException e) {
            return BUILT.computeIfAbsent(upstream, k -> replica.get());
        }
    }

    /** A FROM scratch image with busybox, haproxy and the libraries ldd names, plus the given files. */
    private static ProxyImage build(String name, String dockerfileTail, List<String> resources) {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        if (!Files.isExecutable(haproxy)) {
            throw new IllegalStateException("Building the proxy replica needs /usr/sbin/haproxy: apt-get install -y haproxy, or "
                    + DockerEngineExtension.FIX);
        }
        Path busybox = TestImages.staticBusybox();
        ImageFromDockerfile image = new ImageFromDockerfile(name, false)
                .withFileFromPath("rootfs/bin/busybox", busybox)
                .withFileFromPath("rootfs/usr/sbin/haproxy", haproxy);
        TestImages.addSharedLibraries(image, haproxy);
        for (String resource : resources) {
            image.withFileFromClasspath(resource, RESOURCES + resource);
        }
        image.withFileFromString("Dockerfile", """
                FROM scratch
                COPY rootfs/ /
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /run /usr/local/etc/haproxy"]
                """ + dockerfileTail);
        return new ProxyImage(image.get(), false);
    }
}
