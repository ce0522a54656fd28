package dev.dualstore.table;

import java.util.Objects;
import java.util.Optional;

/**
 * A range of keys in a store's key order: an optional lower bound and an optional upper bound,
 * each inclusive or exclusive. A bound may be a prefix of the key (fewer values than key columns):
 * {@code KeyRange.all().from(RowKey.of("bob"))} on a key {@code (from_user, to_user)} starts at the
 * first row whose {@code from_user} is {@code "bob"} or later.
 *
 * <p>Ranges mean what the store's order means (a text key follows the column's collation), so
 * build them from keys the same store returned: to page, take the last key of one scan and
 * continue with {@link #after(RowKey)}. Immutable and threadsafe; each method returns a new range.
 */
public final class KeyRange {
    private static final KeyRange ALL = new KeyRange(null, null);

    /**
     * One end of a range.
     *
     * @param key the bound's values, a whole key or a prefix of one
     * @param inclusive whether a key equal to the bound (on the bound's columns) is in the range
     */
    public record Bound(RowKey key, boolean inclusive) {
        /** Checks the key. */
        public Bound {
            Objects.requireNonNull(key, "key");
        }
    }

    private final Bound lower;
    private final Bound upper;

    private KeyRange(Bound lower, Bound upper) {
        this.lower = lower;
        this.upper = upper;
    }

    /** Every key. */
    public static KeyRange all() {
        return ALL;
    }

    /** This range, starting at {@code key} inclusive (replacing any lower bound). */
    public KeyRange from(RowKey key) {
        return new KeyRange(new Bound(key, true), upper);
    }

    /** This range, starting just after {@code key} (replacing any lower bound). */
    public KeyRange after(RowKey key) {
        return new KeyRange(new Bound(key, false), upper);
    }

    /** This range, ending just before {@code key} (replacing any upper bound). */
    public KeyRange before(RowKey key) {
        return new KeyRange(lower, new Bound(key, false));
    }

    /** This range, ending at {@code key} inclusive (replacing any upper bound). */
    public KeyRange through(RowKey key) {
        return new KeyRange(lower, new Bound(key, true));
    }

    /** The lower bound; empty when the range starts at the first key. */
    public Optional<Bound> lower() {
        return Optional.ofNullable(lower);
    }

    /** The upper bound; empty when the range runs to the last key. */
    public Optional<Bound> upper() {
        return Optional.ofNullable(upper);
    }

    /**
     * Checks that the bounds fit a key of {@code keyColumns} columns.
     *
     * @throws IllegalArgumentException if a bound has more values than there are key columns
     */
    public KeyRange checkFits(int keyColumns, String table) {
        for (Bound bound : new Bound[] {lower, upper}) {
            if (bound != null && bound.key().size() > keyColumns) {
                throw new IllegalArgumentException("range bound " + (bound == lower ? "lower" : "upper") + " has "
                        + bound.key().size() + " values but table " + table + " has " + keyColumns + " key columns");
            }
        }
        return this;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyRange && Objects.equals(lower, ((KeyRange) other).lower)
                && Objects.equals(upper, ((KeyRange) other).upper);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lower, upper);
    }

    @Override
    public String toString() {
        return (lower == null ? "(-inf" : (lower.inclusive() ? "[" : "(") + lower.key()) + ", "
                + (upper == null ? "+inf)" : upper.key() + (upper.inclusive() ? "]" : ")"));
    }
}
