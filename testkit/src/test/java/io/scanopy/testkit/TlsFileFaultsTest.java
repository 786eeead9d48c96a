package io.scanopy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scanopy.engine.config.SettingsResolver;
import io.scanopy.engine.docker.TlsContexts;
import io.scanopy.engine.docker.TlsMaterialException;
import io.scanopy.engine.docker.TlsMaterialException.Fault;
import io.scanopy.spi.TlsFiles;
import io.scanopy.testkit.proxy.TlsFixtures;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each TLS file fault is named with the file, before any connection is tried. */
class TlsFileFaultsTest {
    /** Far above what a refusal takes: a read that waited on a pipe, or on /dev/zero's end, would reach it. */
    private static final Duration BOUND = Duration.ofSeconds(10);

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
        assertEquals("the CA chain (test) " + missing + ": does not exist; check the path (in a container: that its folder is mounted)", e.getMessage());

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

        // Both key encodings and both algorithms load, through a symbolic link too.
        TlsContexts.create(new TlsFiles(f.clientCert(), Files.createSymbolicLink(dir.resolve("key-link.pem"), f.clientKey()), f.ca(), "test"));
        TlsContexts.create(new TlsFiles(f.clientCert(), f.clientKey(), f.ca(), "test"));
        TlsContexts.create(new TlsFiles(f.ecClientCert(), f.ecClientKey(), f.ca(), "test"));
    }

    /**
     * Files that are not files, in each role: a named pipe (made with mkfifo) hung the daemon on
     * open and /dev/zero ran it out of memory. Each is refused in one line naming the setting,
     * in bounded time, before anything else is read.
     */
    @Test
    void aPipeADeviceOrADirectoryIsRefusedInEveryRole(@TempDir Path dir) throws Exception {
        TlsFixtures.Files f = TlsFixtures.generate(dir);
        Path fifo = dir.resolve("fifo.pem");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        Path zero = Path.of("/dev/zero");
        Path big = dir.resolve("big.pem");
        Files.write(big, new byte[2 * 1024 * 1024]);

        TlsMaterialException e = boundedFault(new TlsFiles(f.clientCert(), f.clientKey(), fifo, SettingsResolver.TLS_FROM_FLAGS));
        assertEquals(Fault.NOT_A_FILE, e.fault());
        assertEquals("--docker-proxy-ssl-chain " + fifo + ": not a regular file (a named pipe); give the PEM file", e.getMessage());

        e = boundedFault(new TlsFiles(fifo, f.clientKey(), f.ca(), SettingsResolver.TLS_FROM_VARIABLES));
        assertEquals(Fault.NOT_A_FILE, e.fault());
        assertEquals("SCANOPY_DOCKER_PROXY_SSL_CERT=" + fifo + ": not a regular file (a named pipe); give the PEM file", e.getMessage());

        e = boundedFault(new TlsFiles(f.clientCert(), zero, f.ca(), SettingsResolver.TLS_FROM_FLAGS));
        assertEquals(Fault.NOT_A_FILE, e.fault());
        assertEquals("--docker-proxy-ssl-key /dev/zero: not a regular file (a character device); give the PEM file", e.getMessage());

        e = boundedFault(new TlsFiles(f.clientCert(), f.clientKey(), dir, "DOCKER_CERT_PATH=" + dir));
        assertEquals(Fault.NOT_A_FILE, e.fault());
        assertEquals("the CA chain (DOCKER_CERT_PATH=" + dir + ") " + dir + ": not a regular file (a directory); give the PEM file", e.getMessage());

        e = boundedFault(new TlsFiles(f.clientCert(), f.clientKey(), big, SettingsResolver.TLS_FROM_FLAGS));
        assertEquals(Fault.NOT_A_FILE, e.fault());
        assertEquals("--docker-proxy-ssl-chain " + big + ": is 2097152 bytes, more than the 1 MiB such a file may be; give the PEM file", e.getMessage());

        Path linkToFifo = Files.createSymbolicLink(dir.resolve("link.pem"), fifo);
        e = boundedFault(new TlsFiles(linkToFifo, f.clientKey(), f.ca(), SettingsResolver.TLS_FROM_FLAGS));
        assertEquals("--docker-proxy-ssl-cert " + linkToFifo + ": not a regular file (a symbolic link to " + fifo + ", a named pipe); give the PEM file", e.getMessage());
    }

    private static TlsMaterialException boundedFault(TlsFiles files) {
        return assertTimeoutPreemptively(BOUND, () -> fault(files));
    }
}
