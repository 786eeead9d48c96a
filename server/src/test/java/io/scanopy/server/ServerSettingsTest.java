package io.scanopy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scanopy.engine.live.LiveInventory;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
    @Test
    void defaultsAreLoopbackTheDaemonPortAndNoKey() {
        ServerSettings defaults = ServerSettings.defaults();
        assertEquals("127.0.0.1", defaults.bindAddress());
        assertEquals(60073, defaults.port());
        assertFalse(defaults.keyRequired());
        assertEquals("127.0.0.1", new ServerSettings(null, 1, null, false).bindAddress());
    }

    @Test
    void generatedKeysAreLongRandomAndMarked() {
        ServerSettings one = ServerSettings.defaults().withGeneratedKey();
        ServerSettings two = ServerSettings.defaults().withGeneratedKey();
        assertTrue(one.keyGenerated());
        assertEquals(43, one.apiKey().length(), "256 bits in URL-safe Base64");
        assertTrue(one.apiKey().matches("[A-Za-z0-9_-]+"), "safe in a URL: the page is opened as /?key=");
        assertNotEquals(one.apiKey(), two.apiKey());
        assertFalse(one.toString().contains(one.apiKey()));
        assertTrue(one.toString().contains("generated"));
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ServerSettings("127.0.0.1", 70_000, null, false));
        assertThrows(IllegalArgumentException.class, () -> new ServerSettings("127.0.0.1", 1, "", false));
        assertThrows(IllegalArgumentException.class, () -> new ServerSettings("127.0.0.1", 1, null, true));
    }

    @Test
    void urlNamesTheBoundPortAndShowsAWildcardAsLoopback() throws Exception {
        try (DaemonServer server = new DaemonServer(new LiveInventory(Clock.systemUTC(), 10), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new ServerSettings("0.0.0.0", 0, null, false))) {
            server.start();
            assertTrue(server.port() > 0);
            assertEquals("http://127.0.0.1:" + server.port() + "/", server.url());
        }
    }

    @Test
    void aPortInUseIsAnIoExceptionNamingTheAddress() throws Exception {
        try (DaemonServer first = new DaemonServer(new LiveInventory(Clock.systemUTC(), 10), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new ServerSettings("127.0.0.1", 0, null, false))) {
            first.start();
            DaemonServer second = new DaemonServer(new LiveInventory(Clock.systemUTC(), 10), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    new ServerSettings("127.0.0.1", first.port(), null, false));
            java.io.IOException e = assertThrows(java.io.IOException.class, second::start);
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }
}
