package io.scanopy.spi;

import java.net.URI;
import java.util.Locale;

/**
 * Turns a user's endpoint URL into a {@link Transport}. Shared by every plugin that serves
 * {@code http://} and {@code https://} endpoints, so they all read URLs the same way.
 */
public final class Transports {
    /** Port assumed for {@code http://} and {@code tcp://} without a port (Docker's plain-TCP port). */
    public static final int DEFAULT_PLAIN_PORT = 2375;
    /** Port assumed for {@code https://} (and {@code tcp://} with TLS) without a port (Docker's TLS port). */
    public static final int DEFAULT_TLS_PORT = 2376;

    private Transports() {
    }

    /**
     * Maps an {@code http://} or {@code https://} endpoint, with the target's TLS files, to a
     * TCP transport. HTTPS requires a CA chain; plain HTTP refuses TLS files rather than ignore
     * them, so a typo in the scheme never silently drops encryption.
     *
     * @param target the target with an http(s) endpoint
     * @param setting the name of the setting that gave the URL, for messages
     * @return the TCP transport
     * @throws TargetConfigurationException for anything that is not a usable http(s) URL
     */
    public static Transport.Tcp forHttpUrl(TargetSpec target, String setting) throws TargetConfigurationException {
        URI url = target.endpoint();
        String scheme = target.scheme().orElse("");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new TargetConfigurationException(setting + "=" + withoutUserInfo(url) + " is not an http:// or https:// URL — write it as http://HOST:PORT or https://HOST:PORT");
        }
        String host = requireHost(url, setting);
        boolean https = scheme.equals("https");
        int port = url.getPort() > 0 ? url.getPort() : (https ? DEFAULT_TLS_PORT : DEFAULT_PLAIN_PORT);
        if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
            throw new TargetConfigurationException(setting + "=" + withoutUserInfo(url) + " has a path; give only scheme, host and port, e.g. " + scheme + "://" + host + ":" + port);
        }
        TlsFiles tls = target.tls();
        if (https) {
            if (tls == null || tls.chain() == null) {
                throw new TargetConfigurationException(setting + "=" + withoutUserInfo(url) + " is https:// but no CA chain is set — set SCANOPY_DOCKER_PROXY_SSL_CHAIN (or --docker-proxy-ssl-chain) to the PEM file of the CA that signed the proxy's certificate");
            }
        } else if (tls != null && (tls.certificate() != null || tls.key() != null || tls.chain() != null)) {
            throw new TargetConfigurationException(setting + "=" + withoutUserInfo(url) + " is plain http:// but TLS files are set (" + tls.origin() + ") — use an https:// URL, or remove the TLS settings");
        }
        return new Transport.Tcp(host, port, https ? tls : null);
    }

    /**
     * A URL as it may be shown: anything between {@code scheme://} (or the start) and the last
     * {@code @} is replaced by {@code …}, so a user name or password never reaches a message,
     * a log or the inventory, even in a URL too malformed to parse.
     *
     * @param url the URL as the user gave it (may be null)
     * @return the URL without user information
     * @since SPI 1.2
     */
    public static String withoutUserInfo(Object url) {
        if (url == null) {
            return null;
        }
        String text = url.toString();
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int scheme = text.indexOf("://");
        int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return text.substring(0, start) + "…@" + text.substring(at + 1);
    }

    /**
     * The host of a URL, or a configuration error naming the setting.
     *
     * @param url the URL
     * @param setting the setting that gave it
     * @return the host
     * @throws TargetConfigurationException when the URL has no host
     */
    public static String requireHost(URI url, String setting) throws TargetConfigurationException {
        String host = url.getHost();
        if (host == null || host.isBlank()) {
            throw new TargetConfigurationException(setting + "=" + withoutUserInfo(url) + " has no host name — write it as " + url.getScheme() + "://HOST:PORT");
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
