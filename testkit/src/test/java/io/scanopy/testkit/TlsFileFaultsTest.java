package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.docker.TlsContexts;
import io.scanopy.engine.docker.TlsMaterialException;
import io.scanopy.engine.docker.TlsMaterialException.Fault;
import io.scanopy.spi.TlsFiles;
import io.scanopy.testkit.proxy.TlsFixtures;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each TLS file fault is named with the file, before any connection is tried. */
class TlsFileFaultsTest {

    private static TlsMaterialException fault(TlsFiles files) {
        return assertThrows(TlsMaterialException.class, () -> TlsContexts.create(files));
    }

    @Test
    void everyFaultNamesItsFile(@TempDir Path dir) throws Exception {
        TlsFixtures.Files f = TlsFixtures.generate(dir);
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        Path encrypted = dir.resolve("encrypted-key.pem");
        var key = TlsContexts.readPrivateKey(f.clientKey());
        try (Writer w = Files.newBufferedWriter(encrypted); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(key, new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build("secret".toCharArray()));
        }

        TlsMaterialException e = fault(new TlsFiles(f.clientCert(), f.clientKey(), missing, "test"));
        assertEquals(Fault.UNREADABLE, e.fault());
        assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());

        e = fault(new TlsFiles(notPem, f.clientKey(), f.ca(), "test"));
        assertEquals(Fault.NOT_PEM, e.fault());
        assertTrue(e.getMessage().startsWith("The client certificate " + notPem), e.getMessage());

        e = fault(new TlsFiles(f.clientCert(), encrypted, f.ca(), "test"));
        assertEquals(Fault.ENCRYPTED_KEY, e.fault());
        assertTrue(e.getMessage().contains(encrypted + " is encrypted"), e.getMessage());

        e = fault(new TlsFiles(f.clientCert(), f.otherKey(), f.ca(), "test"));
        assertEquals(Fault.KEY_MISMATCH, e.fault());

        e = fault(new TlsFiles(f.expiredClientCert(), f.expiredClientKey(), f.ca(), "test"));
        assertEquals(Fault.EXPIRED, e.fault());

        e = fault(new TlsFiles(f.clientCert(), null, f.ca(), "SCANOPY_DOCKER_PROXY_SSL_* variables"));
        assertEquals(Fault.INCOMPLETE, e.fault());
        assertTrue(e.getMessage().contains("client key"), e.getMessage());

        e = fault(new TlsFiles(null, f.clientKey(), f.ca(), "test"));
        assertEquals(Fault.INCOMPLETE, e.fault());
        assertTrue(e.getMessage().contains("client certificate"), e.getMessage());

        // Both key encodings and both algorithms load.
        TlsContexts.create(new TlsFiles(f.clientCert(), f.clientKey(), f.ca(), "test"));
        TlsContexts.create(new TlsFiles(f.ecClientCert(), f.ecClientKey(), f.ca(), "test"));
    }
}
