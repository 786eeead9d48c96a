package io.scanopy.cli;

import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.config.ContainerFilter;
import io.scanopy.engine.detection.Catalogue;
import io.scanopy.engine.detection.CatalogueException;
import io.scanopy.engine.detection.DetectionOptions;
import io.scanopy.engine.discovery.DiscoveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What to discover and how to detect services: the options {@code discover} and the daemon share. */
final class DiscoveryMixin {
    @Option(names = "--all", description = "Include stopped containers.")
    boolean all;

    @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "Discover and probe only the containers that match, as docker ps --filter takes it:"
            + " label=KEY, label=KEY=VALUE, name=NAME (a regular expression), network=NETWORK (name or id), ancestor=IMAGE. Repeatable:"
            + " every label must match, and one of several values of another key.")
    java.util.List<String> filters = new java.util.ArrayList<>();

    @Option(names = "--no-exec", description = "Detect services without exec (image, label and port rules only), even where exec is allowed.")
    boolean noExec;

    @Option(names = "--no-detection", description = "Skip service detection altogether.")
    boolean noDetection;

    @Option(names = "--catalog", paramLabel = "FILE", description = "Your service catalogue (JSON or YAML), merged over the built-in one; same id replaces.")
    Path catalog;

    @Option(names = "--exec-policy", paramLabel = "POLICY", description = "always (default: one container can run several services) or when-needed (skip exec where image or label rules are conclusive).")
    String execPolicy = "always";

    @Option(names = "--probe-published-ports", description = "Also probe published ports from the daemon's side (local engine only).")
    boolean probePublishedPorts;

    @Option(names = "--exec-user", paramLabel = "USER", description = "Who the exec probe runs as: UID[:GID] or a name, as docker exec --user takes it,"
            + " or 'container' for the user the container runs as. Where the probe cannot run as USER (a tool or /proc/net/tcp it needs is not"
            + " readable or executable for it), it runs once more as the container's user and the evidence says why. Default: ${DEFAULT-VALUE}.")
    String execUser = DetectionOptions.DEFAULT_EXEC_USER;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS", description = "Time one container's probe may take. Default: ${DEFAULT-VALUE}.")
    int probeTimeout = 10;

    @Option(names = "--probe-concurrency", paramLabel = "N", description = "Probes in flight at once. Default: ${DEFAULT-VALUE}.")
    int probeConcurrency = 4;

    @Option(names = "--detection-deadline", paramLabel = "SECONDS", description = "Time detection may take in all; what is found by then is kept. Default: ${DEFAULT-VALUE}.")
    int detectionDeadline = 120;

    private DetectionOptions detection() throws ConfigurationException {
        if (noDetection) {
            return null;
        }
        DetectionOptions.ExecPolicy policy = switch (execPolicy) {
            case "always" -> DetectionOptions.ExecPolicy.ALWAYS;
            case "when-needed" -> DetectionOptions.ExecPolicy.WHEN_NEEDED;
            default -> throw new ConfigurationException("--exec-policy " + execPolicy + ": use always or when-needed");
        };
        if (probeTimeout < 1 || detectionDeadline < 1 || probeConcurrency < 1) {
            throw new ConfigurationException("--probe-timeout, --probe-concurrency and --detection-deadline must be at least 1");
        }
        String user = execUser.strip();
        if (!user.equals("container") && !DetectionOptions.EXEC_USER.matcher(user).matches()) {
            throw new ConfigurationException("--exec-user " + execUser + ": use UID[:GID] (for example 65534:65534), a user name, or container");
        }
        return new DetectionOptions(!noExec, policy, probePublishedPorts, probeConcurrency, Duration.ofSeconds(probeTimeout), Duration.ofSeconds(detectionDeadline),
                user.equals("container") ? null : user);
    }

    /**
     * @return the catalogue: the built-in one, with the user's file merged over it
     * @throws ConfigurationException when the user's file is unusable
     */
    Catalogue catalogue() throws ConfigurationException {
        if (catalog == null) {
            return Catalogue.builtIn();
        }
        try {
            return Catalogue.withUserFile(catalog);
        } catch (CatalogueException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    /**
     * @return the discovery options these flags give
     * @throws ConfigurationException when a value is out of range
     */
    DiscoveryOptions options() throws ConfigurationException {
        return DiscoveryOptions.defaults().withIncludeStopped(all).withDetection(detection()).withFilter(ContainerFilter.parse(filters));
    }
}
