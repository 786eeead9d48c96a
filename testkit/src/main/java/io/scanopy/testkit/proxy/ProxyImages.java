package io.scanopy.testkit.proxy;

import com.github.dockerjava.api.exception.NotFoundException;
import io.scanopy.testkit.DockerEngineExtension;
import io.scanopy.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
    /** Our replica of Tecnativa's configuration after v0.4.1 (no tagged release holds it yet). */
    public static final String TECNATIVA_CURRENT_REPLICA = "scanopy-testkit/tecnativa-replica:after-v0.4.1";
    /**
     * Both Tecnativa replicas' defaults, as upstream's image sets them, and their entry point and
     * stop signal (upstream inherits SIGUSR1, HAProxy's graceful stop, from the haproxy image;
     * HAProxy as process 1 ignores SIGTERM, so without it every stop waits Docker's 10 s).
     */
    private static final String TECNATIVA_DEFAULTS = """
            ENV LOG_LEVEL=info SOCKET_PATH=/var/run/docker.sock EVENTS=1 PING=1 VERSION=1 AUTH=0 SECRETS=0 POST=0 BUILD=0 \\
                COMMIT=0 CONFIGS=0 CONTAINERS=0 DISTRIBUTION=0 EXEC=0 GRPC=0 IMAGES=0 INFO=0 NETWORKS=0 NODES=0 PLUGINS=0 \\
                SERVICES=0 SESSION=0 SWARM=0 SYSTEM=0 TASKS=0 VOLUMES=0 ALLOW_START=0 ALLOW_STOP=0 ALLOW_RESTARTS=0 DISABLE_IPV6=0
            EXPOSE 2375
            STOPSIGNAL SIGUSR1
            ENTRYPOINT ["/bin/sh", "/docker-entrypoint.sh"]
            """;
    /** Upstream LinuxServer image. */
    public static final String LINUXSERVER_UPSTREAM = "lscr.io/linuxserver/socket-proxy:1.24.0";
    /** Our LinuxServer replica. */
    public static final String LINUXSERVER_REPLICA = "scanopy-testkit/linuxserver-replica:1.24.0";
    /** Our wollomatic replica. */
    public static final String WOLLOMATIC_REPLICA = "scanopy-testkit/wollomatic-replica:1.13.1";
    /** HAProxy terminating mutual TLS in front of the Docker socket. */
    public static final String HTTPS_PROXY = "scanopy-testkit/https-proxy:1";
    /** Docker's official HAProxy image, which the HTTPS compose setup runs with its own configuration. */
    public static final String HAPROXY_UPSTREAM = "haproxy:2.6";
    /** Our replica of it: Debian 12's HAProxy 2.6. */
    public static final String HAPROXY_REPLICA = "scanopy-testkit/haproxy-replica:2.6";
    /** HAProxy that answers one container's inspection with Docker's 404 (a fault injector). */
    public static final String FAULT_PROXY = "scanopy-testkit/fault-proxy:1";
    /** HAProxy that forwards everything and logs each request on stdout (a request counter). */
    public static final String COUNTING_PROXY = "scanopy-testkit/counting-proxy:1";

    private static final String RESOURCES = "io/scanopy/testkit/proxy/";
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    /**
     * HAProxy's stock 403 error file, as upstream's image serves it: HTTP/1.0, Connection: close,
     * no Content-Length (the body ends with the connection).
     */
    private static final String HAPROXY_403 = "HTTP/1.0 403 Forbidden\r\nCache-Control: no-cache\r\nConnection: close\r\n"
            + "Content-Type: text/html\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n";
    private static final Map<String, ProxyImage> BUILT = new LinkedHashMap<>();
    /** The label every image built here carries; its value is the replica's own name. */
    public static final String REPLICA_LABEL = "io.scanopy.testkit.replica";

    private ProxyImages() {
    }

    /**
     * @return the Tecnativa image: upstream when present locally, else the replica
     */
    public static synchronized ProxyImage tecnativa() {
        return upstreamOr(TECNATIVA_UPSTREAM, () -> build(TECNATIVA_REPLICA, HAPROXY, """
                COPY tecnativa-haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
                COPY haproxy-403.http /usr/local/etc/haproxy/errors/403.http
                COPY tecnativa-entrypoint.sh /docker-entrypoint.sh
                """ + TECNATIVA_DEFAULTS, List.of("tecnativa-haproxy.cfg", "tecnativa-entrypoint.sh"), Map.of("haproxy-403.http", HAPROXY_403)));
    }

    /**
     * Tecnativa's configuration after v0.4.1: ALLOW_EXEC and the other deny rules before the
     * section allows, methods one by one, Env blanked in inspect answers (a Lua filter). Always
     * our replica: no tagged upstream image has it.
     *
     * @return the image (ours)
     */
    public static synchronized ProxyImage tecnativaCurrent() {
        return BUILT.computeIfAbsent(TECNATIVA_CURRENT_REPLICA, name -> build(name, HAPROXY, """
                COPY tecnativa-current-haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
                COPY tecnativa-strip-env.lua /usr/local/etc/haproxy/strip-env.lua
                COPY haproxy-403.http /usr/local/etc/haproxy/errors/403.http
                COPY tecnativa-entrypoint.sh /docker-entrypoint.sh
                """ + TECNATIVA_DEFAULTS, List.of("tecnativa-current-haproxy.cfg", "tecnativa-strip-env.lua", "tecnativa-entrypoint.sh"),
                Map.of("haproxy-403.http", HAPROXY_403)));
    }

    /**
     * LinuxServer's socket-proxy: nginx from Debian with our configuration of its rules, run as
     * root (as upstream), meant for a read-only root with tmpfs on /run and /tmp.
     *
     * @return the LinuxServer image: upstream when present locally, else the replica
     */
    public static synchronized ProxyImage linuxserver() {
        return upstreamOr(LINUXSERVER_UPSTREAM, () -> build(LINUXSERVER_REPLICA, NGINX, """
                COPY linuxserver-nginx.conf /etc/nginx/nginx.conf
                COPY linuxserver-default.conf.template /templates/default.conf.template
                COPY linuxserver-entrypoint.sh /docker-entrypoint.sh
                COPY passwd /etc/passwd
                COPY group /etc/group
                ENV SOCKET_PATH=/var/run/docker.sock ALLOW_RESTARTS=0 ALLOW_STOP=0 ALLOW_START=0 AUTH=0 BUILD=0 COMMIT=0 CONFIGS=0 \\
                    CONTAINERS=0 DISTRIBUTION=0 EVENTS=1 EXEC=0 IMAGES=0 INFO=0 NETWORKS=0 NODES=0 PING=1 PLUGINS=0 POST=0 SECRETS=0 \\
                    SERVICES=0 SESSION=0 SWARM=0 SYSTEM=0 TASKS=0 VERSION=1 VOLUMES=0
                EXPOSE 2375
                ENTRYPOINT ["/bin/sh", "/docker-entrypoint.sh"]
                """, List.of("linuxserver-nginx.conf", "linuxserver-default.conf.template", "linuxserver-entrypoint.sh"),
                Map.of("passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
                        "group", "root:x:0:\nnogroup:x:65534:\n")));
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
     * Docker's official HAProxy image as a user runs it: no configuration of its own (the user
     * mounts {@code /usr/local/etc/haproxy/haproxy.cfg}), user {@code haproxy} (99:99), the same
     * entry point, command and stop signal. The replica runs Debian 12's HAProxy 2.6 from
     * {@code /usr/sbin} (upstream builds its own into {@code /usr/local/sbin}; both are on PATH).
     *
     * @return the official image when present locally, else the replica
     */
    public static synchronized ProxyImage haproxy() {
        return upstreamOr(HAPROXY_UPSTREAM, () -> build(HAPROXY_REPLICA, HAPROXY, """
                COPY haproxy-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
                COPY passwd /etc/passwd
                COPY group /etc/group
                RUN ["/bin/busybox", "sh", "-c", "mkdir -p /var/lib/haproxy && chown 99:99 /var/lib/haproxy"]
                STOPSIGNAL SIGUSR1
                USER haproxy
                ENTRYPOINT ["/bin/sh", "/usr/local/bin/docker-entrypoint.sh"]
                CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
                """, List.of("haproxy-entrypoint.sh"),
                Map.of("passwd", "root:x:0:0:root:/root:/bin/sh\nhaproxy:x:99:99::/var/lib/haproxy:/usr/sbin/nologin\n",
                        "group", "root:x:0:\nhaproxy:x:99:\n")));
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
                ENV SERVER_TIMEOUT=10m KEEP_ALIVE_TIMEOUT=10s
                EXPOSE 2375
                ENTRYPOINT ["/usr/sbin/haproxy", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
                """, List.of("counting-haproxy.cfg")));
    }

    private static String fingerprint(String dockerfile, List<String> resources, Map<String, String> files) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(dockerfile.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (String resource : resources) {
                try (var in = ProxyImages.class.getClassLoader().getResourceAsStream(RESOURCES + resource)) {
                    digest.update(java.util.Objects.requireNonNull(in, resource).readAllBytes());
                }
            }
            new java.util.TreeMap<>(files).forEach((file, text) -> digest.update((file + "\0" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException("cannot fingerprint the replica's files: " + e, e);
        }
    }

    private static ProxyImage upstreamOr(String upstream, Supplier<ProxyImage> replica) {
        // A replica retagged to the upstream name (named(), for the compose files) is not upstream.
        return isUpstream(upstream) ? new ProxyImage(upstream, true) : BUILT.computeIfAbsent(upstream, k -> replica.get());
    }

    /**
     * The image a user's file names, present on the local engine: the upstream image itself when
     * the engine has it, else one of ours tagged with that name (a compose file naming upstream's
     * image then runs ours). Our images carry {@value #REPLICA_LABEL}, so a retagged replica is
     * never taken for the upstream image it is named after, here or by the proxy matrix.
     *
     * @param reference the name the file uses, {@code repository:tag}
     * @param ours our image standing for it (upstream's own when the engine has that)
     * @return what runs under that name
     */
    public static synchronized ProxyImage named(String reference, Supplier<ProxyImage> ours) {
        if (isUpstream(reference)) {
            return new ProxyImage(reference, true);
        }
        ProxyImage image = ours.get();
        if (!image.name().equals(reference)) {
            int colon = reference.lastIndexOf(':');
            DockerClientFactory.instance().client().tagImageCmd(image.name(), reference.substring(0, colon), reference.substring(colon + 1)).exec();
        }
        return image;
    }

    /** Whether the engine has an image of that name that is not one of ours. */
    private static boolean isUpstream(String reference) {
        try {
            Map<String, String> labels = DockerClientFactory.instance().client().inspectImageCmd(reference).exec().getConfig().getLabels();
            return labels == null || !labels.containsKey(REPLICA_LABEL);
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static ProxyImage build(String name, String dockerfileTail, List<String> resources) {
        return build(name, HAPROXY, dockerfileTail, resources, Map.of());
    }

    /**
     * A FROM scratch image with busybox, the proxy's server binary (haproxy or nginx) and the
     * libraries ldd names, plus the given classpath resources and generated files.
     */
    private static ProxyImage build(String name, Path server, String dockerfileTail, List<String> resources, Map<String, String> files) {
        if (!Files.isExecutable(server)) {
            throw new IllegalStateException("Building the proxy replica needs " + server + ": apt-get install -y "
                    + (server.equals(NGINX) ? "nginx-light" : "haproxy") + " (scripts/test-env.sh does), or " + DockerEngineExtension.FIX);
        }
        Path busybox = TestImages.staticBusybox();
        String dockerfile = """
                FROM scratch
                COPY rootfs/ /
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /run /usr/local/etc/haproxy /etc/nginx /templates"]
                LABEL %s=%s
                """.formatted(REPLICA_LABEL, name) + dockerfileTail;
        // The tag carries a digest of what goes in: several worktrees share one engine, and a
        // replica built from other files must never be started in place of this one.
        ImageFromDockerfile image = new ImageFromDockerfile(name + "-" + fingerprint(dockerfile, resources, files), false)
                .withFileFromPath("rootfs/bin/busybox", busybox)
                .withFileFromPath("rootfs" + server, server);
        TestImages.addSharedLibraries(image, server);
        for (String resource : resources) {
            image.withFileFromClasspath(resource, RESOURCES + resource);
        }
        files.forEach(image::withFileFromString);
        image.withFileFromString("Dockerfile", dockerfile);
        return new ProxyImage(image.get(), false);
    }
}
