package io.scanopy.engine.detection;

import java.util.Locale;
import java.util.Optional;

/**
 * An image reference split as Docker's reference grammar splits it: {@code [registry/]path[:tag][@digest]}.
 * The first component is a registry host when it contains a '.' or a ':' or is {@code localhost};
 * otherwise the reference is on Docker Hub and the whole name is the path. The one place image
 * references are taken apart: image rules match the path, never the registry host, so
 * {@code registry:5000/team/api} is not the Docker registry.
 *
 * @param registry the registry host (with its port), or null for Docker Hub
 * @param path the repository path, lower case, Docker Hub's {@code library/} dropped ({@code postgres}, {@code grafana/grafana})
 * @param tag the tag, or null
 * @param digest the digest ({@code sha256:...}), or null
 */
public record ImageReference(String registry, String path, String tag, String digest) {

    /**
     * @param reference an image reference as a container shows it ({@code Config.Image}), or an image id
     * @return its parts, or empty when it is blank or only an image id ({@code sha256:...})
     */
    public static Optional<ImageReference> parse(String reference) {
        if (reference == null || reference.isBlank()) {
            return Optional.empty();
        }
        String rest = reference.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        if (rest.isEmpty() || rest.startsWith("sha256:")) {
            return Optional.empty();
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first.toLowerCase(Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        // A tag follows the last ':' after the last '/' (a registry port is already gone).
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String path = rest.toLowerCase(Locale.ROOT);
        if ((registry == null || registry.equals("docker.io") || registry.equals("index.docker.io")) && path.startsWith("library/")) {
            path = path.substring("library/".length());
        }
        if (path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ImageReference(registry, path, tag == null || tag.isEmpty() ? null : tag, digest));
    }

    /**
     * @return the last component of the path: the software's name for most publishers ({@code sonarr} in {@code linuxserver/sonarr})
     */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
