package io.scanopy.spi;

import java.util.List;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * The extension point of a Docker-access plugin: one way of reaching a Docker engine (the local
 * socket, a particular socket proxy, ...).
 *
 * <p>Implementations are found two ways from one declaration: annotate the class with
 * {@code @org.pf4j.Extension} and build with pf4j's annotation processor writing
 * {@code META-INF/services} (see the README), and the class is found by pf4j from a plugin
 * archive and by {@link java.util.ServiceLoader} from the classpath. Implementations must be
 * stateless and thread-safe; the engine calls them concurrently for several targets.
 */
public interface DockerAccessPlugin extends ExtensionPoint {

    /** A {@link #matchScore} meaning "this plugin cannot serve the target". */
    int NOT_APPLICABLE = 0;

    /**
     * A stable identifier, for example {@code docker-direct}; also the value the user gives to
     * force this plugin for a target.
     *
     * @return the plugin identifier, lower case, without spaces
     */
    String id();

    /**
     * One line that tells a user what this plugin reaches.
     *
     * @return a short human description
     */
    String description();

    /**
     * How well this plugin serves a target. The engine runs the plugin with the highest score;
     * ties are broken by {@link #id()} so the choice is deterministic. A target whose
     * {@link TargetSpec#flavor()} names this plugin is given to it regardless of score.
     *
     * @param target what the user asked to discover
     * @return {@link #NOT_APPLICABLE}, or a positive score (higher is a better match)
     */
    int matchScore(TargetSpec target);

    /**
     * How to reach the target's Docker API.
     *
     * @param target a target for which {@link #matchScore} was positive
     * @return the transport to use
     * @throws TargetConfigurationException when the target's settings are unusable; the
     *     message must name the setting and what to do
     */
    Transport transport(TargetSpec target) throws TargetConfigurationException;

    /**
     * The Docker endpoints this plugin's discovery uses, each with whether it is required and
     * the fallback the engine applies when it is denied.
     *
     * @return the endpoint requirements, by default {@link EndpointRequirement#standard()}
     */
    default List<EndpointRequirement> endpoints() {
        return EndpointRequirement.standard();
    }

    /**
     * Whether a denial answer was produced by the software this plugin knows (for example a
     * proxy's own error page), as opposed to Docker itself or something else.
     *
     * @param denial the refused request and the answer
     * @return true when this plugin recognises the answer as its proxy's
     */
    default boolean recognises(Denial denial) {
        return false;
    }

    /**
     * Explains a denied endpoint in the terms of what this plugin reaches, for example which
     * proxy setting to change.
     *
     * @param denial the refused request and the answer
     * @return the remediation, or empty when the plugin has nothing specific to say
     */
    default Optional<String> explainDenial(Denial denial) {
        return Optional.empty();
    }

    /**
     * Explains a denied endpoint knowing which of the checked endpoints the proxy let through:
     * some causes show only in combination (a proxy that passes {@code POST /exec/{id}/start} but
     * refuses {@code POST /containers/{id}/exec} already admits POST, so the refusal comes from a
     * rule on exec creation alone). The engine calls this one; by default it ignores
     * {@code allowed} and asks {@link #explainDenial(Denial)}, so plugins built for SPI 1.0 and
     * 1.1 explain as before.
     *
     * @param denial the refused request and the answer
     * @param allowed the endpoints checked in the same negotiation that reached Docker
     * @return the remediation, or empty when the plugin has nothing specific to say
     * @since SPI 1.2
     */
    default Optional<String> explainDenial(Denial denial, java.util.Set<DockerEndpoint> allowed) {
        return explainDenial(denial);
    }

    /**
     * A least-privilege setup of this plugin's proxy: it allows the given endpoints and nothing
     * else.
     *
     * @param allowed the endpoints to allow
     * @return the setup, or empty when this plugin reaches no configurable proxy
     */
    default Optional<ProxySetup> proxySetup(java.util.Set<DockerEndpoint> allowed) {
        return Optional.empty();
    }

    /**
     * What a setup of this plugin's proxy that admits the given endpoints really grants whoever
     * can reach it, beyond those endpoints themselves, in plain words: for example that a
     * toggle admitting exec also admits creating and starting containers. Shown by
     * {@code proxy-config} for the setup it prints and by {@code doctor} for what a proxy was
     * found to allow. Must not understate.
     *
     * @param allowed the endpoints the proxy admits
     * @return one sentence per grant, most serious first; empty when nothing beyond reading
     * @since SPI 1.2
     */
    default List<String> privileges(java.util.Set<DockerEndpoint> allowed) {
        return List.of();
    }
}
