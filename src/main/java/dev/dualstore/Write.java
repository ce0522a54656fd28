package dev.dualstore;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface method as a write: the primary is called on the caller's thread and, if it
 * succeeds, the same call is shadowed to each secondary in a writing stage. Equivalent to
 * {@link MirroringBackend.Builder#writes(String...)}.
 *
 * <p><b>Order.</b> With a {@link Key}, writes to one key reach every secondary in the order the
 * primary applied them, from any number of threads. Without one, writes share one ordered lane
 * per secondary: each thread's writes arrive in that thread's order, but writes from different
 * threads arrive in the order they were handed off, which may differ from the order the primary
 * applied them. Give a write a key whenever two threads may write the same record.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Write {
    /**
     * Exception types that are a normal answer of this method (an "already exists", say). A
     * primary that throws one still has the write shadowed, and a secondary that throws one is
     * counted as {@code success}.
     *
     * @return the expected exception types; none by default
     */
    Class<? extends Throwable>[] expected() default {};
}
