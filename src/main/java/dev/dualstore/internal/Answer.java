package dev.dualstore.internal;

import dev.dualstore.Outcome;

/**
 * What a store's call ended with, without allocating for the common case: the returned value
 * itself, or a {@link Answer} wrapping what was thrown. An {@link Outcome} is made only when a
 * listener needs one. Immutable.
 */
final class Answer {
    final Throwable thrown;

    private Answer(Throwable thrown) {
        this.thrown = thrown;
    }

    /** @return the answer for a call that threw */
    static Object threw(Throwable t) {
        return new Answer(t);
    }

    /** @return the answer for a call that returned {@code value}, or threw {@code thrown} when not null */
    static Object of(Object value, Throwable thrown) {
        return thrown != null ? new Answer(thrown) : value;
    }

    /** @return what the call threw, or null if it returned */
    static Throwable thrown(Object answer) {
        return answer instanceof Answer a ? a.thrown : null;
    }

    /** @return what the call returned, or null if it threw */
    static Object value(Object answer) {
        return answer instanceof Answer ? null : answer;
    }

    static Outcome outcome(Object answer) {
        return answer instanceof Answer a ? Outcome.threw(a.thrown) : Outcome.returned(answer);
    }
}
