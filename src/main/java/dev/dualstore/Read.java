package dev.dualstore;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface method as a read: the primary answers, and the call is mirrored to each
 * secondary in a reading stage and the answers compared. Equivalent to
 * {@link MirroringBackend.Builder#reads(String...)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Read {
    /**
     * Exception types that are a normal answer of this method (a not-found, say). They are
     * compared like values: both stores throwing the same expected type is a match, and a
     * secondary throwing one alone is a mismatch of kind {@code exception}, not an error.
     *
     * @return the expected exception types; none by default
     */
    Class<? extends Throwable>[] expected() default {};
}
