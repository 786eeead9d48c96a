package io.scanopy.engine.docker;

import io.scanopy.engine.config.SettingsResolver;
import io.scanopy.engine.docker.TlsMaterialException.Fault;
import io.scanopy.engine.files.UserFileException;
import io.scanopy.engine.files.UserFiles;
import io.scanopy.spi.TlsFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Builds the SSL context for an HTTPS Docker endpoint from PEM files, checking each file first
 * so that a bad one is named with its fault before any connection is tried. The server is
 * verified against the given chain only (no system trust store, never "trust all"); host name
 * verification is done by the HTTP client.
 */
public final class TlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /**
     * Reads and checks the files, and builds the context.
     *
     * @param files the PEM files; the chain is required, certificate and key go together
     * @return an SSL context that presents the client certificate and trusts only the chain
     * @throws TlsMaterialException naming the file and the fault
     */
    public static SSLContext create(TlsFiles files) throws TlsMaterialException {
        if (files.chain() == null) {
            throw new TlsMaterialException(Fault.INCOMPLETE, null, "No CA chain is set (" + files.origin() + ") — set SCANOPY_DOCKER_PROXY_SSL_CHAIN / --docker-proxy-ssl-chain to the CA's PEM file");
        }
        if ((files.certificate() == null) != (files.key() == null)) {
            String missing = files.certificate() == null ? "client certificate (SCANOPY_DOCKER_PROXY_SSL_CERT / --docker-proxy-ssl-cert)" : "client key (SCANOPY_DOCKER_PROXY_SSL_KEY / --docker-proxy-ssl-key)";
            throw new TlsMaterialException(Fault.INCOMPLETE, null, "Incomplete TLS settings (" + files.origin() + "): the " + missing + " is missing — a client certificate and its key must be given together");
        }
        List<X509Certificate> chain = readCertificates(files.chain(), "CA chain", files.origin());
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < chain.size(); i++) {
                trust.setCertificateEntry("ca-" + i, chain.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            KeyManagerFactory kmf = null;
            if (files.certificate() != null) {
                List<X509Certificate> clientChain = readCertificates(files.certificate(), "client certificate", files.origin());
                checkValidity(clientChain.get(0), files.certificate());
                PrivateKey key = readPrivateKey(files.key(), files.origin());
                checkKeyMatches(key, clientChain.get(0), files);
                KeyStore identity = KeyStore.getInstance(KeyStore.getDefaultType());
                identity.load(null, null);
                identity.setKeyEntry("client", key, NO_PASSWORD, clientChain.toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, NO_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Reads every certificate in a PEM file.
     *
     * @param file the file
     * @param role what it is for, in messages
     * @return the certificates, at least one
     * @throws TlsMaterialException when unreadable or holding no certificate
     */
    public static List<X509Certificate> readCertificates(Path file, String role) throws TlsMaterialException {
        return readCertificates(file, role, null);
    }

    private static List<X509Certificate> readCertificates(Path file, String role, String origin) throws TlsMaterialException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = open(file, role, origin); PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsMaterialException(Fault.NOT_PEM, file, "The " + role + " " + file + " is not a PEM certificate file (" + e.getMessage() + ") — it must contain -----BEGIN CERTIFICATE----- blocks; check it with: openssl x509 -in " + file + " -text -noout");
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(Fault.NOT_PEM, file, "The " + role + " " + file + " holds no PEM certificate — it must contain a -----BEGIN CERTIFICATE----- block; check it with: openssl x509 -in " + file + " -text -noout");
        }
        return certificates;
    }

    /**
     * Reads a PEM private key: RSA or EC, PKCS#1 ({@code BEGIN RSA/EC PRIVATE KEY}) or PKCS#8
     * ({@code BEGIN PRIVATE KEY}).
     *
     * @param file the key file
     * @return the key
     * @throws TlsMaterialException when unreadable, not a key, or encrypted
     */
    public static PrivateKey readPrivateKey(Path file) throws TlsMaterialException {
        return readPrivateKey(file, null);
    }

    private static PrivateKey readPrivateKey(Path file, String origin) throws TlsMaterialException {
        try (Reader reader = open(file, "client key", origin); PEMParser parser = new PEMParser(reader)) {
            Object item;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            while ((item = parser.readObject()) != null) {
                if (item instanceof PEMKeyPair pair) {
                    // PKCS#1 / SEC1: the public half may be absent (EC keys written without it).
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsMaterialException(Fault.ENCRYPTED_KEY, file, "The client key " + file + " is encrypted — the daemon needs an unencrypted key; decrypt it with: openssl pkey -in " + file + " -out client-key.pem");
                }
            }
        } catch (TlsMaterialException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new TlsMaterialException(Fault.NOT_PEM, file, "The client key " + file + " is not a PEM private key (" + e.getMessage() + ") — it must contain a -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY) block");
        }
        throw new TlsMaterialException(Fault.NOT_PEM, file, "The client key " + file + " holds no PEM private key — it must contain a -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY) block");
    }

    /** Reads the whole file first, as a file (see {@link UserFiles}): never a pipe, a device or a giant. */
    private static Reader open(Path file, String role, String origin) throws TlsMaterialException {
        try {
            return new StringReader(new String(UserFiles.read(file, setting(role, origin), UserFiles.Kind.PEM), StandardCharsets.US_ASCII));
        } catch (UserFileException e) {
            UserFileException.Fault fault = e.fault();
            boolean notAFile = fault == UserFileException.Fault.WRONG_TYPE || fault == UserFileException.Fault.TOO_LARGE;
            throw new TlsMaterialException(notAFile ? Fault.NOT_A_FILE : Fault.UNREADABLE, file, e.getMessage());
        }
    }

    /**
     * The setting that named a TLS file, as the user wrote it: the flag or variable when all TLS
     * files came from flags or from variables, else the file's role and where the files came from.
     */
    private static String setting(String role, String origin) {
        String name = switch (role) {
            case "CA chain" -> "chain";
            case "client certificate" -> "cert";
            default -> "key";
        };
        if (SettingsResolver.TLS_FROM_FLAGS.equals(origin)) {
            return "--docker-proxy-ssl-" + name;
        }
        if (SettingsResolver.TLS_FROM_VARIABLES.equals(origin)) {
            return "SCANOPY_DOCKER_PROXY_SSL_" + name.toUpperCase(Locale.ROOT);
        }
        return "the " + role + (origin == null || origin.isEmpty() ? "" : " (" + origin + ")");
    }

    private static void checkValidity(X509Certificate certificate, Path file) throws TlsMaterialException {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new TlsMaterialException(Fault.EXPIRED, file, "The client certificate " + file + " expired on " + certificate.getNotAfter().toInstant() + " — issue a new one");
        } catch (CertificateNotYetValidException e) {
            throw new TlsMaterialException(Fault.NOT_YET_VALID, file, "The client certificate " + file + " is not valid before " + certificate.getNotBefore().toInstant() + " — check this machine's clock or the certificate's dates");
        }
    }

    /** Signs a probe with the key and verifies it with the certificate's public key. */
    private static void checkKeyMatches(PrivateKey key, X509Certificate certificate, TlsFiles files) throws TlsMaterialException {
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            byte[] probe = "scanopy key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = key.getAlgorithm().equals(publicKey.getAlgorithm()) && verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsMaterialException(Fault.KEY_MISMATCH, files.key(), "The client key " + files.key() + " does not belong to the client certificate " + files.certificate() + " — give the key the certificate was issued for");
        }
    }
}
