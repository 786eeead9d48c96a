package io.scanopy.cli;

import io.scanopy.engine.config.ConfigurationException;
import io.scanopy.engine.docker.DockerAccessException;
import io.scanopy.engine.files.UserFileException;
import java.io.PrintWriter;

/** One actionable line per failure on stderr; the stack trace only with {@code --debug}. */
final class Errors {
    private Errors() {
    }

    static int report(Exception e, boolean debug, PrintWriter err) {
        int code;
        String message;
        if (e instanceof ConfigurationException || e instanceof UserFileException) {
            code = ScanopyDaemon.EXIT_USAGE;
            message = e.getMessage();
        } else if (e instanceof DockerAccessException dae) {
            code = dae.kind() == DockerAccessException.Kind.CONFIGURATION ? ScanopyDaemon.EXIT_USAGE : ScanopyDaemon.EXIT_FAILED;
            message = e.getMessage();
        } else {
            code = ScanopyDaemon.EXIT_FAILED;
            message = "unexpected error: " + e + (debug ? "" : " (run with --debug for details)");
        }
        err.println("scanopy-daemon: " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
