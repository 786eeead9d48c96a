package io.scanopy.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.scanopy.engine.text.Inert;

/**
 * {@code %inertMsg} in the logback patterns: the log message made {@link Inert}. Log lines
 * carry container names, target addresses and what engines answered; none of it may act on
 * the terminal or split one log line into several.
 */
public final class InertMessageConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Inert.text(event.getFormattedMessage());
    }
}
