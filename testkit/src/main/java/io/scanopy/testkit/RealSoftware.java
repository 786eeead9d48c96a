package io.scanopy.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.testcontainers.images.builder.Transferable;

/**
 * Real software for detection tests and benchmarks: services from Debian packages in one image
 * ({@link DebianImages#software}) that names none of them, each started by {@code real-software/start.sh}
 * the way its Debian unit does, with the configuration its package ships, on its default port. A
 * container of it is unpublished and declares no port: only an exec probe can tell what it runs.
 */
public final class RealSoftware {
    private RealSoftware() {
    }

    /**
     * One service of the set.
     *
     * @param service the start.sh case that starts it
     * @param expected the catalogue definition that must be its top name
     * @param port the port it listens on once ready (its default)
     * @param upstream a reference the software is published under (registry host and tag as users write them)
     */
    public record Software(String service, String expected, int port, String upstream) {
    }

    public static final List<Software> SET = List.of(
            new Software("redis", "redis", 6379, "redis:7.0"),
            new Software("memcached", "memcached", 11211, "bitnami/memcached:1.6"),
            new Software("openssh", "openssh", 22, "lscr.io/linuxserver/openssh-server:latest"),
            new Software("nginx", "nginx", 80, "nginx:1.22"),
            new Software("apache2", "apache-httpd", 80, "httpd:2.4"),
            new Software("lighttpd", "lighttpd", 80, "sebp/lighttpd:latest"),
            new Software("caddy", "caddy", 80, "caddy:2.6"),
            new Software("postgresql", "postgresql", 5432, "postgres:15"),
            new Software("mariadb", "mariadb", 3306, "mariadb:10.11"),
            new Software("dovecot", "dovecot", 143, "dovecot/dovecot:2.3"),
            new Software("nats", "nats", 4222, "nats:2.9"),
            new Software("prometheus", "prometheus", 9090, "quay.io/prometheus/prometheus:v2.42.0"),
            new Software("node-exporter", "node-exporter", 9100, "prom/node-exporter:v1.5.0"),
            new Software("influxdb", "influxdb", 8086, "influxdb:1.6"),
            new Software("transmission", "transmission", 9091, "lscr.io/linuxserver/transmission:latest"),
            new Software("syncthing", "syncthing", 8384, "syncthing/syncthing:1.19"),
            new Software("etcd", "etcd", 2379, "quay.io/coreos/etcd:v3.4.23"),
            new Software("mosquitto", "mosquitto", 1883, "eclipse-mosquitto:2.0"),
            new Software("tinyproxy", "tinyproxy", 8888, "vimagick/tinyproxy:latest"),
            new Software("squid", "squid", 3128, "ubuntu/squid:5.7"),
            new Software("icecast2", "icecast", 8000, "moul/icecast:latest"),
            new Software("beanstalkd", "beanstalkd", 11300, "schickling/beanstalkd:latest"),
            new Software("opensmtpd", "opensmtpd", 25, "ghcr.io/opensmtpd/opensmtpd:latest"),
            new Software("rsync", "rsync", 873, "instrumentisto/rsync-ssh:latest"));

    /** The packages, and the libraries they need that a Debian 12 host with the test tools lacks. */
    public static final List<String> PACKAGES = List.of(
            "redis-server", "redis-tools", "liblzf1", "libjemalloc2", "memcached",
            "openssh-server", "openssh-client", "openssh-sftp-server", "libwrap0",
            "nginx", "nginx-common", "apache2", "apache2-bin", "apache2-data", "apache2-utils", "libapr1", "libaprutil1",
            "libaprutil1-dbd-sqlite3", "libaprutil1-ldap", "lighttpd", "perl-base", "media-types", "caddy",
            "postgresql-15", "postgresql-client-15", "libpq5", "mariadb-server", "mariadb-server-core", "mariadb-client-core",
            "libmariadb3", "mariadb-common", "liburing2", "libaio1", "opensmtpd",
            "dovecot-core", "dovecot-imapd", "dovecot-pop3d", "liblua5.4-0", "libexttextcat-2.0-0", "libexttextcat-data", "openssl",
            "nats-server", "rsync", "prometheus", "prometheus-node-exporter", "influxdb",
            "transmission-daemon", "transmission-common", "libnatpmp1", "libminiupnpc17", "syncthing", "etcd-server",
            "mosquitto", "libmosquitto1", "libcjson1", "libdlt2", "tinyproxy", "tinyproxy-bin",
            "squid", "squid-common", "libecap3", "libltdl7", "icecast2", "libtheora0", "libspeex1", "beanstalkd");

    /** The system users the packages' maintainer scripts would have made. */
    public static final List<String> USERS = List.of(
            "www-data:33:/var/www", "proxy:13:/bin", "redis:101:/var/lib/redis", "memcache:102:/nonexistent", "sshd:103:/run/sshd",
            "postgres:104:/var/lib/postgresql", "mysql:105:/nonexistent", "opensmtpd:107:/var/lib/opensmtpd/empty",
            "opensmtpq:108:/var/lib/opensmtpd/empty", "dovecot:109:/usr/lib/dovecot", "dovenull:110:/nonexistent",
            "prometheus:112:/var/lib/prometheus", "influxdb:113:/var/lib/influxdb",
            "debian-transmission:114:/var/lib/transmission-daemon", "syncthing:115:/var/lib/syncthing", "etcd:116:/var/lib/etcd",
            "mosquitto:117:/var/lib/mosquitto", "tinyproxy:118:/run/tinyproxy", "icecast2:119:/usr/share/icecast2");

    /** @return the image with every package of {@link #PACKAGES} (built once, then reused) */
    public static String image() {
        return DebianImages.software("scanopy-testkit/debian-software", PACKAGES, USERS);
    }

    /**
     * A container running one service of the set (not started).
     *
     * @param software the service
     * @return the container, with the start script copied in
     */
    public static TestContainer container(Software software) {
        return new TestContainer(image()).withCopyToContainer(Transferable.of(startScript(), 0755), START)
                .withCommand(START, software.service());
    }

    /**
     * Waits until the service listens on its port (one exec per check, so before counting execs).
     *
     * @param software the service
     * @param container its started container
     * @param seconds how long to wait at most
     * @throws InterruptedException when interrupted
     * @throws AssertionError when it does not, with the container's last log lines
     */
    public static void awaitListening(Software software, TestContainer container, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        try {
            while (!container.isRunning() || container.execInContainer(START, "listening", String.valueOf(software.port())).getExitCode() != 0) {
                if (System.nanoTime() > deadline || !container.isRunning()) {
                    String logs = container.getLogs();
                    throw new AssertionError(software.service() + " is not listening on " + software.port()
                            + (container.isRunning() ? " after " + seconds + " s: " : ", it exited: ")
                            + lastOf(logs));
                }
                Thread.sleep(250);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param logs a container's logs
     * @return their last 600 characters, what an assertion message can carry
     */
    public static String lastOf(String logs) {
        return logs.length() > 600 ? "…" + logs.substring(logs.length() - 600) : logs;
    }

    private static final String START = "/scanopy/start.sh";

    private static byte[] startScript() {
        try (InputStream in = RealSoftware.class.getResourceAsStream("real-software/start.sh")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
