package io.scanopy.spi;

import java.nio.file.Path;

/**
 * PEM files for a TLS connection to a Docker API endpoint. The engine reads and checks them
 * before any connection is made.
 *
 * @param certificate the client certificate (PEM); {@code null} when no client certificate is used
 * @param key the client private key (PEM, RSA or EC, PKCS#1 or PKCS#8); {@code null} with no certificate
 * @param chain the CA certificate(s) the server must be signed by (PEM); never {@code null}
 * @param origin where these paths came from, for error messages (for example
 *     {@code SCANOPY_DOCKER_PROXY_SSL_CERT} or {@code DOCKER_CERT_PATH=/root/.docker})
 */
public record TlsFiles(Path certificate, Path key, Path chain, String origin) {
}
