package io.scanopy.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the daemon with exit code 0: the JVM's own handling would run the
 * shutdown hooks but exit 143/130, which container runtimes and supervisors read as a failure.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                // The signal does not exist on this platform, or the JVM reserves it: default handling stays.
            }
        }
    }
}
