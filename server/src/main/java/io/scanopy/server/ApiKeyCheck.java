package io.scanopy.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who may use the API: anyone when no key is configured, otherwise a request carrying
 * {@code Authorization: Bearer <key>} or the page's cookie. Comparisons take the same time
 * whatever is presented, so the key cannot be guessed byte by byte from response times.
 */
final class ApiKeyCheck {
    /** The page's cookie, set by {@code GET /?key=}. */
    static final String COOKIE = "scanopy_key";

    private final byte[] keyDigest;
    private final String cookieValue;

    /**
     * @param apiKey the key, or null for an open server
     */
    ApiKeyCheck(String apiKey) {
        this.keyDigest = apiKey == null ? null : Sha256.of(apiKey);
        // The cookie holds a keyed hash of the key under a secret of this process, not the key:
        // the browser's jar never holds the key, and a cookie seen elsewhere (browsers send it to
        // every port of the host) is worth nothing to the next run of the daemon, nor as the key.
        this.cookieValue = apiKey == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(newSecret(), keyDigest));
    }

    private static byte[] newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    private static byte[] hmac(byte[] secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * @return true when no key is configured
     */
    boolean open() {
        return keyDigest == null;
    }

    /**
     * @param request a request
     * @return true when the server is open or the request carries the key or the cookie
     */
    boolean allows(Request request) {
        return open() || bearerMatches(request) || cookieMatches(request);
    }

    /**
     * @param presented a key someone typed (the page's {@code ?key=})
     * @return true when it is the key
     */
    boolean keyMatches(String presented) {
        // Digests have a fixed length: the comparison's time tells nothing, not even the key's length.
        return keyDigest != null && presented != null && MessageDigest.isEqual(keyDigest, Sha256.of(presented));
    }

    /**
     * @return the {@code Set-Cookie} value that authorizes the browser; only with a key
     */
    String cookieHeader() {
        // Path=/ covers the page, its assets, the API and the event stream; Strict keeps it off
        // cross-site requests; HttpOnly keeps it from scripts.
        return COOKIE + "=" + cookieValue + "; Path=/; HttpOnly; SameSite=Strict";
    }

    private boolean bearerMatches(Request request) {
        for (HttpField field : request.getHeaders().getFields(HttpHeader.AUTHORIZATION)) {
            String value = field.getValue().strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7) && keyMatches(value.substring(7).strip())) {
                return true;
            }
        }
        return false;
    }

    private boolean cookieMatches(Request request) {
        byte[] expected = cookieValue.getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (COOKIE.equals(cookie.getName())) {
                // The expected value first: isEqual's time depends on its first argument's length only.
                match |= MessageDigest.isEqual(expected, cookie.getValue().getBytes(StandardCharsets.US_ASCII));
            }
        }
        return match;
    }
}
