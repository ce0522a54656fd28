package dev.dualstore;

import java.util.Locale;

/**
 * Why two answers differ; the {@code kind} tag of {@code dualstore.comparisons} when
 * {@code result=mismatch}.
 */
public enum MismatchKind {
    /** The same elements in another order. */
    ORDER,
    /** The secondary lacks elements (or a value) the primary has. */
    MISSING,
    /** The secondary has elements (or a value) the primary does not. */
    EXTRA,
    /** Values differ: other elements, fields or scalars. */
    VALUE,
    /** One store threw where the other returned, or they threw different types. */
    EXCEPTION,
    /** One store returned null where the other returned a value. */
    NULL,
    /** The answers are of different types. */
    TYPE;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** @return the lower-case meter tag value, for example {@code order} */
    public String tag() {
        return tag;
    }
}
