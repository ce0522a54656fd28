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
 * <p>The key's {@code hashCode} and {@code equals} must be consistent across calls (strings,
 * numbers, UUIDs and records of them are).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Key {}
