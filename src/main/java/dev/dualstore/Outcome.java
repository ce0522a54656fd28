package dev.dualstore;

import java.util.Objects;

/**
 * What one store answered to one call: a value (possibly null) or an exception.
 *
 * @param value     the returned value, or null when the store threw
 * @param exception what the store threw, or null when it returned
 */
public record Outcome(Object value, Throwable exception) {

    /**
     * @param value the returned value, may be null
     * @return a returned outcome
     */
    public static Outcome returned(Object value) {
        return new Outcome(value, null);
    }

    /**
     * @param exception what was thrown
     * @return a thrown outcome
     */
    public static Outcome threw(Throwable exception) {
        return new Outcome(null, Objects.requireNonNull(exception, "exception"));
    }

    /** @return whether the store threw */
    public boolean threw() {
        return exception != null;
    }

    @Override
    public String toString() {
        return threw() ? "threw " + exception.getClass().getName() : "returned";
    }
}
