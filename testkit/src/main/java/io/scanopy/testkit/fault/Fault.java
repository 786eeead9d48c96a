package io.scanopy.testkit.fault;

/**
 * What a {@link FaultServer} does with each request. Each stands in for a broken proxy or
 * network that cannot be made real on demand: the fault server is a fault injector.
 */
public enum Fault {
    /** Answers 200 with a JSON {@code Content-Length} of 1 MB, then sends its body one byte every 200 ms. */
    SLOW_BODY,
    /** Sends a status line, then header bytes one every 200 ms and never ends them (slowloris). */
    SLOWLORIS,
    /** Accepts the connection, reads the request, and never answers. */
    ACCEPT_AND_HANG,
    /** Answers with bytes that are not HTTP (control characters included), then closes. */
    GARBAGE,
    /** Answers every request with {@code HTTP/1.1 500 Internal Server Error}, text/plain. */
    HTTP_500,
    /** Answers every request with 200 and an HTML page. */
    HTML_200,
    /** Answers every request with 200 and a 50 MB JSON array (sent as fast as it is read). */
    OVERSIZED_BODY,
    /** Answers every request with 200, a chunked JSON array that never ends. */
    ENDLESS_BODY,
    /** Answers 200 with a {@code Content-Length} of 1,000 bytes, sends 10 and closes the connection. */
    CLOSE_MID_BODY,
    /** Answers {@code GET /_ping} as Docker does ({@code OK}); every other request hangs, unanswered. */
    PING_ONLY,
    /** Sends Docker's headers for a 200 at once to every request, then nothing, ever: a silent dead stream. */
    HEADERS_THEN_SILENCE
}
