package io.scanopy.testkit.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the HTTPS cells, generated in the test: a CA, a server certificate for
 * 127.0.0.1/localhost, client certificates (RSA PKCS#8 and EC PKCS#1), and the faulty variants
 * (another CA, an expired client, a server for another name, a key of another pair).
 */
public final class TlsFixtures {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The files of one fixture set, all PEM. */
    public record Files(Path dir, Path ca, Path otherCa, Path serverPem, Path wrongHostServerPem,
                        Path clientCert, Path clientKey, Path ecClientCert, Path ecClientKey,
                        Path expiredClientCert, Path expiredClientKey, Path otherKey) {
    }

    private TlsFixtures() {
    }

    /**
     * Writes a full set into a folder.
     *
     * @param dir an empty folder
     * @return the file paths
     */
    public static Files generate(Path dir) {
        try {
            KeyPair caKeys = rsa();
            X509Certificate ca = certificate("CN=scanopy test CA", caKeys, "CN=scanopy test CA", caKeys, true, List.of(), validNow());
            KeyPair otherCaKeys = rsa();
            X509Certificate otherCa = certificate("CN=another CA", otherCaKeys, "CN=another CA", otherCaKeys, true, List.of(), validNow());

            KeyPair serverKeys = rsa();
            X509Certificate server = certificate("CN=127.0.0.1", serverKeys, "CN=scanopy test CA", caKeys, false,
                    List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")), validNow());
            X509Certificate wrongHost = certificate("CN=proxy.invalid", serverKeys, "CN=scanopy test CA", caKeys, false,
                    List.of(new GeneralName(GeneralName.dNSName, "proxy.invalid")), validNow());

            KeyPair clientKeys = rsa();
            X509Certificate client = certificate("CN=scanopy-daemon", clientKeys, "CN=scanopy test CA", caKeys, false, List.of(), validNow());
            KeyPair ecKeys = ec();
            X509Certificate ecClient = certificate("CN=scanopy-daemon-ec", ecKeys, "CN=scanopy test CA", caKeys, false, List.of(), validNow());
            KeyPair expiredKeys = rsa();
            Instant past = Instant.now().minus(Duration.ofDays(30));
            X509Certificate expired = certificate("CN=scanopy-daemon-expired", expiredKeys, "CN=scanopy test CA", caKeys, false, List.of(),
                    new Instant[] {past.minus(Duration.ofDays(30)), past});

            Files files = new Files(dir, dir.resolve("ca.pem"), dir.resolve("other-ca.pem"), dir.resolve("server.pem"), dir.resolve("server-wrong-host.pem"),
                    dir.resolve("client-cert.pem"), dir.resolve("client-key.pem"), dir.resolve("ec-client-cert.pem"), dir.resolve("ec-client-key.pem"),
                    dir.resolve("expired-client-cert.pem"), dir.resolve("expired-client-key.pem"), dir.resolve("other-key.pem"));
            write(files.ca(), ca);
            write(files.otherCa(), otherCa);
            write(files.serverPem(), server, serverKeys.getPrivate());
            write(files.wrongHostServerPem(), wrongHost, serverKeys.getPrivate());
            write(files.clientCert(), client);
            writePkcs8(files.clientKey(), clientKeys.getPrivate());
            write(files.ecClientCert(), ecClient);
            writeSec1(files.ecClientKey(), ecKeys);
            write(files.expiredClientCert(), expired);
            writePkcs8(files.expiredClientKey(), expiredKeys.getPrivate());
            writePkcs8(files.otherKey(), rsa().getPrivate());
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate test certificates", e);
        }
    }

    private static Instant[] validNow() {
        Instant now = Instant.now();
        return new Instant[] {now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2))};
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean isCa,
                                               List<GeneralName> altNames, Instant[] validity)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), new BigInteger(64, RANDOM),
                Date.from(validity[0]), Date.from(validity[1]), new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        if (!altNames.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(new GeneralName[0])));
        }
        String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
    }

    /** Certificates and keys in their traditional PEM form (a private key as PKCS#1 / SEC1). */
    private static void write(Path file, Object... items) throws IOException {
        List<Object> all = new ArrayList<>(List.of(items));
        try (Writer w = java.nio.file.Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object item : all) {
                pem.writeObject(item);
            }
        }
    }

    /** An EC key as openssl writes it ({@code BEGIN EC PRIVATE KEY}, SEC1 with the curve and public key). */
    private static void writeSec1(Path file, KeyPair keys) throws IOException {
        java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) keys.getPrivate();
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(key.getParams().getOrder().bitLength(), key.getS(), spki.getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters());
        try (Writer w = java.nio.file.Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        }
    }

    private static void writePkcs8(Path file, PrivateKey key) throws IOException {
        try (Writer w = java.nio.file.Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
    }
}
