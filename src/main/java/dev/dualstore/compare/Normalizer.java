package dev.dualstore.compare;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rewrites an answer before it is compared, applied to the primary's and the secondary's answer
 * alike (Twitch's "comparison preprocessors"). The factories here walk into lists, sets, maps,
 * other collections (rebuilt as lists), arrays of objects, {@link Optional}s and records, and
 * rebuild them with the rewritten parts; other objects are left as they are unless they are of
 * the type being rewritten. They never walk into objects compared field by field (entities
 * without {@code equals}) nor into lazy values never loaded: those are rewritten whole or not at
 * all, and their fields are ignored with {@link DeepComparator#ignoringFields}.
 *
 * <p>Runs on a dispatcher thread; must be threadsafe and must not modify its input.
 *
 * <p>The factories here handle cyclic and deep answers: they walk on an explicit stack, never
 * the thread's, and track containers that hold containers by identity. Such a container met
 * again after it was rebuilt gives the same rebuilt value, so shared parts stay shared and are
 * walked once. A reference back to a container still being rebuilt (a cycle) is cut: a
 * placeholder that equals only itself stands in its place, so the rebuilt answer is never
 * cyclic, and two answers whose cycles close at the same places compare equal when nothing else
 * differs. The placeholder can sit in a rebuilt record's generic collection, as a map can for a
 * nested record that lost components.
 *
 * <p>Example: {@code ResultComparator.unordered().after(Normalizer.timestampsToUtc()
 * .andThen(Normalizer.truncatingTimestamps(ChronoUnit.MILLIS)))}.
 */
@FunctionalInterface
public interface Normalizer {

    /**
     * @param value an answer, may be null
     * @return the answer in the form to compare, may be null
     */
    Object normalize(Object value);

    /**
     * @param next the normaliser to apply to this one's result
     * @return a normaliser applying this one, then {@code next}
     */
    default Normalizer andThen(Normalizer next) {
        Objects.requireNonNull(next, "next");
        return value -> next.normalize(normalize(value));
    }

    /**
     * Replaces every value of {@code type} found anywhere in the answer.
     *
     * @param type    the type to rewrite, for example a POJO the answer contains
     * @param rewrite how to rewrite one value; gets non-null values only
     * @param <T>     the type
     * @return the normaliser
     */
    static <T> Normalizer deep(Class<T> type, UnaryOperator<T> rewrite) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rewrite, "rewrite");
        return value -> walk(value, v -> type.isInstance(v) ? rewrite.apply(type.cast(v)) : v);
    }

    /**
     * Moves every {@link OffsetDateTime} and {@link ZonedDateTime} to UTC (the same instant), so
     * that stores that keep the same instant in different time zones agree.
     *
     * @return the normaliser
     */
    static Normalizer timestampsToUtc() {
        return value -> walk(value, v -> {
            if (v instanceof OffsetDateTime t) {
                return t.withOffsetSameInstant(ZoneOffset.UTC);
            }
            if (v instanceof ZonedDateTime t) {
                return t.withZoneSameInstant(ZoneOffset.UTC);
            }
            return v;
        });
    }

    /**
     * Truncates every {@link Instant}, {@link OffsetDateTime}, {@link ZonedDateTime},
     * {@link LocalDateTime} and {@link LocalTime} to {@code unit}, so that a store that keeps
     * milliseconds agrees with one that keeps microseconds.
     *
     * @param unit the precision to keep, for example {@link ChronoUnit#MILLIS}
     * @return the normaliser
     */
    static Normalizer truncatingTimestamps(ChronoUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return value -> walk(value, v -> {
            if (v instanceof Instant t) {
                return t.truncatedTo(unit);
            }
            if (v instanceof OffsetDateTime t) {
                return t.truncatedTo(unit);
            }
            if (v instanceof ZonedDateTime t) {
                return t.truncatedTo(unit);
            }
            if (v instanceof LocalDateTime t) {
                return t.truncatedTo(unit);
            }
            if (v instanceof LocalTime t) {
                return t.truncatedTo(unit);
            }
            return v;
        });
    }

    /**
     * Drops the named record components (or map entries) everywhere in the answer, for fields
     * the stores are allowed to disagree on, such as a last-modified time. A record that loses a
     * component is compared as a map of its remaining components.
     *
     * @param names the component names to ignore; at least one
     * @return the normaliser
     */
    static Normalizer ignoringFields(String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("ignoringFields needs at least one field name");
        }
        Set<String> ignored = Set.copyOf(Arrays.asList(names));
        return value -> Walker.walk(value, UnaryOperator.identity(), ignored);
    }

    private static Object walk(Object value, UnaryOperator<Object> leaf) {
        return Walker.walk(value, leaf, Set.of());
    }
}
