package dev.dualstore;

/**
 * Turns a record value into text that is safe to log. dualstore logs no record values unless the
 * user passes a redactor to {@link MirroringBackend.Builder#logValues(Redactor)}.
 */
@FunctionalInterface
public interface Redactor {
    /**
     * @param value an argument or a store's answer, may be null
     * @return text safe to write to logs
     */
    String redact(Object value);

    /** @return a redactor that logs values as {@link String#valueOf(Object)} does; for test data only */
    static Redactor plain() {
        return String::valueOf;
    }
}
