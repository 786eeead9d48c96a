package io.scanopy.spi;

/**
 * Base for plugins that reach Docker through an HTTP(S) socket proxy: they serve
 * {@code http://} and {@code https://} targets, all read the same way
 * ({@link Transports#forHttpUrl}), and differ only in how they recognise and explain their
 * proxy's refusals. Their score is below the generic plugin's on purpose: the engine picks a
 * proxy plugin when it recognises the proxy's answer, not by URL alone.
 */
public abstract class HttpProxyPlugin implements DockerAccessPlugin {
    /** Score for any http(s) URL: lower than a generic Docker endpoint's, so recognition decides. */
    public static final int PROXY_SCORE = 5;

    /** For subclasses. */
    protected HttpProxyPlugin() {
    }

    @Override
    public int matchScore(TargetSpec target) {
        String scheme = target.scheme().orElse("");
        return scheme.equals("http") || scheme.equals("https") ? PROXY_SCORE : NOT_APPLICABLE;
    }

    @Override
    public Transport transport(TargetSpec target) throws TargetConfigurationException {
        return Transports.forHttpUrl(target, target.source());
    }
}
