package dev.dualstore;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter that identifies the record a call touches (a user id, say). With a key,
 * shadow writes to one key reach every secondary in the order the primary applied them while
 * writes to different keys proceed in parallel, a read that races a write to the same key is
 * never reported as a mismatch, and sampling is stable per key. Several {@code @Key} parameters
 * form one composite key. Equivalent to {@link MirroringBackend.Builder#key(String, int...)}.
 *
 * <p><b>Cost.</b> A keyed write holds a lock on its key's stripe (one of 256) across the primary
 * call and the hand-off, so concurrent writes to one key, or to keys that share a stripe, wait
 * for each other's primary call; that is what lets dualstore know the order the primary applied
 * them. Writes to other stripes and all reads never wait: a keyed read only checks, without
 * blocking, whether a write to its stripe ran while it was in flight, and if so counts
 * {@code raced} instead of comparing. Do not call the proxy from inside a store's write for a key
 * of the same stripe: the lock is not reentrant.
 *
 * <p>The key's {@code hashCode} and {@code equals} must be consistent across calls (strings,
 * numbers, UUIDs and records of them are).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Key {}
