package io.scanopy.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.HashMap;
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
                        + " a target not ready, or an address or port setting it cannot use), 2 only for a command line it rejects."})
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
        URL url;
        try {
            url = healthUrl(address.localAddress(env), address.port(env));
        } catch (ConfigurationException e) {
            // Docker's HEALTHCHECK reserves exit 2: a setting it cannot use is unhealthy, said in one line.
            return unhealthy(e.getMessage());
        }
        Answer answer;
        try {
            HttpURLConnection connection = (HttpURLConnection) url.openConnection();
            connection.setConnectTimeout(timeoutSeconds * 1000);
            connection.setReadTimeout(timeoutSeconds * 1000);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            if (status != 200) {
                return unhealthy("the daemon at " + url + " answered HTTP " + status);
            }
            try (InputStream in = connection.getInputStream()) {
                answer = Answer.read(in);
            }
        } catch (IOException e) {
            return unhealthy("no answer from " + url + " (" + reason(e) + ") — is the daemon running, and listening there ("
                    + DaemonAddress.ENV_BIND + ", " + DaemonAddress.ENV_PORT + ")?");
        }
        if (answer == null) {
            return unhealthy(url + " did not answer as the daemon's health endpoint does");
        }
        if (!answer.ready() || !answer.notReady().isEmpty()) {
            return unhealthy(answer.notReady().isEmpty() ? "the daemon says it is not ready" : String.join("; ", answer.notReady()));
        }
        return verdict(EXIT_HEALTHY, "healthy: " + answer.targets() + " target(s) ready");
    }

    /**
     * What {@code /api/health} answered: its {@code ready} flag, the number of targets, and each
     * target not ready as "TARGET is STATE (MESSAGE)". Read with the streaming parser: the
     * check runs every interval, and a data-binding mapper costs more to start than the request.
     */
    record Answer(boolean ready, int targets, List<String> notReady) {
        /**
         * @param in the body
         * @return the answer, or null when it is not shaped like the health endpoint's
         * @throws IOException when reading it fails
         */
        static Answer read(InputStream in) throws IOException {
            try (JsonParser json = new JsonFactory().createParser(in)) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                Boolean ready = null;
                Integer targets = null;
                List<String> notReady = new ArrayList<>();
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.currentName();
                    JsonToken value = json.nextToken();
                    if (field.equals("ready") && value.isBoolean()) {
                        ready = json.getBooleanValue();
                    } else if (field.equals("targets") && value == JsonToken.START_ARRAY) {
                        targets = 0;
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            targets++;
                            Map<String, String> target = new HashMap<>();
                            while (json.nextToken() == JsonToken.FIELD_NAME) {
                                String name = json.currentName();
                                if (json.nextToken() == JsonToken.VALUE_STRING) {
                                    target.put(name, json.getText());
                                } else {
                                    json.skipChildren();
                                }
                            }
                            String state = target.getOrDefault("state", "");
                            if (!isReady(state)) {
                                String message = target.get("message");
                                notReady.add(target.get("target") + " is " + state + (message == null ? "" : " (" + message + ")"));
                            }
                        }
                    } else {
                        json.skipChildren();
                    }
                }
                return ready == null || targets == null ? null : new Answer(ready, targets, notReady);
            } catch (JsonProcessingException e) {
                // It answered, but not JSON: some other program on the port.
                return null;
            }
        }
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
