package io.scanopy.engine.docker;

/**
 * {@code GET /events} was answered with something other than a stream: a proxy's refusal, or
 * Docker's own error. The answer is kept so the plugin can explain it.
 */
public final class EventsRefusedException extends DockerAccessException {
    private final transient RawResponse answer;

    EventsRefusedException(RawResponse answer) {
        super(Kind.DENIED, "GET /events answered HTTP " + answer.status(), null);
        this.answer = answer;
    }

    /**
     * @return the answer
     */
    public RawResponse answer() {
        return answer;
    }
}
