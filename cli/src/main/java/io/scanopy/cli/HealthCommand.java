package io.scanopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.live.TargetHealth;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scanopy-daemon health}: asks the running daemon's {@code GET /api/health} where the
 * daemon listens (the same flags and environment as {@code run}; loopback when it listens on every
 * address) and answers as Docker's {@code HEALTHCHECK} expects: exit 0 when it answers and every
 * target is ready, 1 otherwise, with one line saying why (Docker keeps it in the health log).
 * It runs every interval, so it does no more than that one request: no plugins, no Docker.
 */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = ScanopyDaemon.Version.class,
        description = {"Ask the running daemon whether it is healthy (GET /api/health on its address and port; loopback when it listens on 0.0.0.0 or ::).",
                "Prints one line saying why. For Docker's HEALTHCHECK: exit 0 healthy (it answers and every target is ready), 1 unhealthy (no answer,"
                        + " or a target not ready), 2 bad usage or configuration."})
final class HealthCommand extends DaemonCommand implements Callable<Integer> {
    /** Exit code: the daemon answers and every target is ready. */
    static final int EXIT_HEALTHY = 0;
    /** Exit code: no answer, or a target is not ready. */
    static final int EXIT_UNHEALTHY = 1;

    @Mixin
    DaemonAddress address;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long connecting and reading the answer may take, each. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds = 5;

    @Override
    public Integer call() throws ConfigurationException {
        if (timeoutSeconds < 1) {
            throw new ConfigurationException("--timeout must be at least 1 (seconds)");
        }
        Map<String, String> env = root.environment();
        URL url = healthUrl(address.localAddress(env), address.port(env));
        HttpURLConnection connection;
        JsonNode body;
        try {
            connection = (HttpURLConnection) url.openConnection();
            connection.setConnectTimeout(timeoutSeconds * 1000);
            connection.setReadTimeout(timeoutSeconds * 1000);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            if (status != 200) {
                return unhealthy("the daemon at " + url + " answered HTTP " + status);
            }
            try (InputStream in = connection.getInputStream()) {
                body = new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            return unhealthy("no answer from " + url + " (" + reason(e) + ") — is the daemon running, and listening there ("
                    + DaemonAddress.ENV_BIND + ", " + DaemonAddress.ENV_PORT + ")?");
        }
        JsonNode targets = body == null ? null : body.get("targets");
        if (targets == null || !targets.isArray() || !body.path("ready").isBoolean()) {
            return unhealthy(url + " did not answer as the daemon's health endpoint does");
        }
        List<String> notReady = new ArrayList<>();
        for (JsonNode target : targets) {
            String state = target.path("state").asText();
            if (!isReady(state)) {
                String message = target.path("message").asText("");
                notReady.add(target.path("target").asText() + " is " + state + (message.isEmpty() ? "" : " (" + message + ")"));
            }
        }
        if (!body.get("ready").asBoolean() || !notReady.isEmpty()) {
            return unhealthy(notReady.isEmpty() ? "the daemon says it is not ready" : String.join("; ", notReady));
        }
        return verdict(EXIT_HEALTHY, "healthy: " + targets.size() + " target(s) ready");
    }

    /** A state as the endpoint writes it (the enum's name in lower case); an unknown one is not ready. */
    private static boolean isReady(String state) {
        try {
            return TargetHealth.State.valueOf(state.toUpperCase(Locale.ROOT)).ready();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private int unhealthy(String why) {
        return verdict(EXIT_UNHEALTHY, "unhealthy: " + why);
    }

    private int verdict(int exitCode, String line) {
        PrintWriter out = humanOut();
        out.println(line);
        out.flush();
        return exitCode;
    }

    private static URL healthUrl(InetAddress host, int port) {
        String literal = host.getHostAddress();
        String authority = host instanceof Inet6Address ? "[" + literal.replaceFirst("%.*", "") + "]" : literal;
        try {
            return new URL("http://" + authority + ":" + port + "/api/health");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
