package dev.dualstore.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The key of one row: an ordered tuple of values, one per key column of its table, in the
 * table's key-column order. A composite primary key {@code (from_user, to_user)} is {@code
 * RowKey.of("alice", "channel-1")}.
 *
 * <p>Values are held in canonical form: {@code Byte}, {@code Short} and {@code Integer} become
 * {@code Long}, an {@code Instant} or {@code ZonedDateTime} becomes an {@code OffsetDateTime} at
 * UTC, a {@code byte[]} is copied (and compared by content), and decimals compare by numeric value.
 * So {@code RowKey.of(5)} equals the key a store returns for a bigint 5.
 *
 * <p>A key is not {@link Comparable} on purpose: the order of keys is the store's (a text key
 * sorts by the column's collation, which differs between databases and from Java's). Key ranges
 * are built from keys that the same store returned. Immutable and threadsafe; {@link #toString()}
 * shows the values, which are user data.
 */
public final class RowKey {
    private final Object[] values;
    private final int hash;

    private RowKey(Object[] values) {
        this.values = values;
        int h = 1;
        for (Object value : values) {
            h = 31 * h + Values.hash(value);
        }
        this.hash = h;
    }

    /**
     * A key of the given values, in key-column order.
     *
     * @throws IllegalArgumentException if there is no value, or one is null (its position is named)
     */
    public static RowKey of(Object... values) {
        Objects.requireNonNull(values, "values");
        return of(Arrays.asList(values));
    }

    /**
     * A key of the given values, in key-column order.
     *
     * @throws IllegalArgumentException if the list is empty, or a value is null (its position is named)
     */
    public static RowKey of(List<?> values) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a key has at least one value");
        }
        Object[] canonical = new Object[values.size()];
        for (int i = 0; i < canonical.length; i++) {
            Object value = values.get(i);
            if (value == null) {
                throw new IllegalArgumentException("key value " + i + " is null; key columns never are");
            }
            canonical[i] = Values.canonical(value);
        }
        return new RowKey(canonical);
    }

    /** How many values: the number of key columns of the table, or fewer for a range bound. */
    public int size() {
        return values.length;
    }

    /** The value at {@code index} (a copy if it is a byte array). */
    public Object get(int index) {
        Objects.checkIndex(index, values.length);
        return Values.exposed(values[index]);
    }

    /** The values in key-column order; an unmodifiable copy. */
    public List<Object> values() {
        List<Object> list = new ArrayList<>(values.length);
        for (Object value : values) {
            list.add(Values.exposed(value));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * This key as text that {@link #decode(String)} turns back into an equal key, for checkpoints
     * kept in a database or a file. Each value is tagged with its type: {@code Long}, {@code
     * Boolean}, {@code String}, {@code BigDecimal}, {@code byte[]}, {@code UUID}, {@code
     * OffsetDateTime}, {@code LocalDateTime}, {@code LocalDate}, {@code LocalTime}, {@code Double}.
     *
     * @throws IllegalArgumentException if a value is of another type (its position and class are named)
     */
    public String encode() {
        StringJoiner joined = new StringJoiner(",");
        for (int i = 0; i < values.length; i++) {
            joined.add(KeyText.encode(values[i], i));
        }
        return joined.toString();
    }

    /**
     * The key that {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException if the text is not an encoded key
     */
    public static RowKey decode(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.split(",", -1);
        Object[] decoded = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            decoded[i] = KeyText.decode(parts[i], text);
        }
        return of(decoded);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RowKey)) {
            return false;
        }
        RowKey that = (RowKey) other;
        if (hash != that.hash || values.length != that.values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Values.equal(values[i], that.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringJoiner joined = new StringJoiner(", ", "RowKey(", ")");
        for (Object value : values) {
            joined.add(Values.show(value));
        }
        return joined.toString();
    }
}
