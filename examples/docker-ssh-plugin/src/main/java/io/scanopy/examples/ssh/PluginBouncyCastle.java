package io.scanopy.examples.ssh;

import java.security.Provider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.SunJCESecurityProviderRegistrar;
import org.apache.sshd.common.util.security.bouncycastle.BouncyCastleSecurityProviderRegistrar;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Bouncy Castle (bcprov, in the archive's lib/) for MINA SSHD of this plugin only: it is what gives
 * MINA Ed25519 ({@code id_ed25519} files, {@code ssh-ed25519} signatures), which the JDK's own
 * provider does not give MINA 2.20.
 *
 * <p>MINA's stock Bouncy Castle registrar adds the provider to the JVM ({@code Security.addProvider}),
 * so the engine and every other plugin would see this plugin's copy, held by this plugin's class
 * loader. This one hands MINA its own instance instead and adds nothing to the JVM; it is put in
 * MINA's registry before MINA fills it from its defaults (on the first key, signature or cipher it
 * needs), so MINA's stock one is then skipped as already there.
 */
final class PluginBouncyCastle extends BouncyCastleSecurityProviderRegistrar {
    private static boolean registered;

    private final Provider provider = new BouncyCastleProvider();

    /** Puts MINA's default registrars in its registry, in MINA's order, with this one for Bouncy Castle. Idempotent. */
    static synchronized void register() {
        if (registered) {
            return;
        }
        // MINA looks for Bouncy Castle's classes through the thread's context class loader first: this plugin's copy.
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        thread.setContextClassLoader(PluginBouncyCastle.class.getClassLoader());
        try {
            SecurityUtils.registerSecurityProvider(new SunJCESecurityProviderRegistrar());
            SecurityUtils.registerSecurityProvider(new PluginBouncyCastle());
            registered = true;
        } finally {
            thread.setContextClassLoader(callers);
        }
    }

    /** MINA asks the provider by instance, never by name from the JVM's list. */
    @Override
    public boolean isNamedProviderUsed() {
        return false;
    }

    /** Always this plugin's own copy, even if something else put a "BC" of another class loader in the JVM. */
    @Override
    public Provider getSecurityProvider() {
        return provider;
    }
}
