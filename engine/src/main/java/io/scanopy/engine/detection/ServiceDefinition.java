package io.scanopy.engine.detection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One service the catalogue knows: it is detected when any of its rules matches.
 *
 * @param id stable id, for example {@code grafana}
 * @param name display name
 * @param category for example {@code monitoring}
 * @param rules the rules, any of which identifies the service
 */
public record ServiceDefinition(String id, String name, String category, List<Rule> rules) {

    /** Copies the list. */
    public ServiceDefinition {
        rules = List.copyOf(rules);
    }

    /**
     * A rule: every condition it gives must hold (all-of); absent conditions are not checked.
     *
     * @param id rule id, quoted in evidence
     * @param confidence from 0 (exclusive) to 1
     * @param image regex searched in the image reference, or null
     * @param port a container TCP port, or null
     * @param name regex searched in the container names, or null
     * @param labelKey a label that must be present, or null
     * @param labelValue regex its value must match, or null for any value
     * @param http an HTTP answer to look for, or null
     * @param banner what a port that does not speak HTTP must announce, or null
     */
    public record Rule(String id, double confidence, Pattern image, Integer port, Pattern name, String labelKey, Pattern labelValue, Http http, Banner banner) {
    }

    /**
     * What a port that does not speak HTTP must say, read by the exec probe.
     *
     * @param pattern regex searched in the banner (rendered as {@link BannerAnswer#render} does)
     * @param send a greeting to send first ({@link Catalogue#GREETINGS}; the rule then names its port), or null to only listen
     */
    public record Banner(Pattern pattern, String send) {
    }

    /**
     * An HTTP answer a rule looks for.
     *
     * @param path the path probed (checked against a strict pattern: it goes into the exec command)
     * @param minStatus lowest acceptable status
     * @param maxStatus highest acceptable status
     * @param title regex searched in the page title, or null
     * @param body regex searched in the body, or null
     * @param headerName a response header that must be present, or null
     * @param headerValue regex its value must match, or null
     */
    public record Http(String path, int minStatus, int maxStatus, Pattern title, Pattern body, String headerName, Pattern headerValue) {
    }
}
