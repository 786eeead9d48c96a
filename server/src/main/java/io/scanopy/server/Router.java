package io.scanopy.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Paths to routes. The API only reads, so every route answers GET and HEAD; a path is either
 * exact ({@code /api/inventory}) or a prefix followed by one segment ({@code /api/containers/}).
 */
final class Router {
    /** The methods every route allows (the {@code Allow} header of a 405). */
    static final String ALLOWED_METHODS = "GET, HEAD";

    private final Map<String, Match> exact = new LinkedHashMap<>();
    private final Map<String, Match> prefixes = new LinkedHashMap<>();

    /** A route found for a path, and whether it needs the key. */
    record Match(Route route, boolean open) {
    }

    /**
     * @param path an exact path
     * @param route its route, behind the key
     * @return this
     */
    Router get(String path, Route route) {
        exact.put(path, new Match(route, false));
        return this;
    }

    /**
     * @param path an exact path
     * @param route its route, open to anyone (health: a load balancer or a supervisor has no key)
     * @return this
     */
    Router getOpen(String path, Route route) {
        exact.put(path, new Match(route, true));
        return this;
    }

    /**
     * @param prefix a path ending with {@code /}; the route reads the one segment after it
     * @param route its route, behind the key
     * @return this
     */
    Router getUnder(String prefix, Route route) {
        prefixes.put(prefix, new Match(route, false));
        return this;
    }

    /**
     * @param path the request's decoded path
     * @return the route for it, if any
     */
    Optional<Match> find(String path) {
        Match match = exact.get(path);
        if (match != null) {
            return Optional.of(match);
        }
        for (Map.Entry<String, Match> prefix : prefixes.entrySet()) {
            String rest = path.startsWith(prefix.getKey()) ? path.substring(prefix.getKey().length()) : null;
            if (rest != null && !rest.isEmpty() && rest.indexOf('/') < 0) {
                return Optional.of(prefix.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * @param path a path matched by a {@link #getUnder} route
     * @param prefix that route's prefix
     * @return the segment after the prefix
     */
    static String segmentAfter(String path, String prefix) {
        return path.substring(prefix.length());
    }
}
