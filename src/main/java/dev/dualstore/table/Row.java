package dev.dualstore.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One row: column names, in order, each with a value that may be null. SQL NULL is null and the
 * empty string is {@code ""}; the two never meet.
 *
 * <p>Values are held in the canonical form described on {@link RowKey} (narrow integers as {@code
 * Long}, instants as {@code OffsetDateTime} at UTC, byte arrays copied). Two rows are equal when
 * they have the same column names, in any order, with equal values (byte arrays by content,
 * decimals by numeric value). Immutable and threadsafe; {@link #toString()} shows the values,
 * which are user data.
 */
public final class Row {
    private final LinkedHashMap<String, Object> values;

    private Row(LinkedHashMap<String, Object> values) {
        this.values = values;
    }

    /**
     * A row of the given columns, in the map's iteration order.
     *
     * @throws IllegalArgumentException if the map is empty or a column name is null or blank
     */
    public static Row of(Map<String, ?> values) {
        Objects.requireNonNull(values, "values");
        Builder builder = builder();
        values.forEach(builder::set);
        return builder.build();
    }

    /** A builder that adds columns in the order they are set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The column names, in order; unmodifiable. */
    public List<String> columnNames() {
        return Collections.unmodifiableList(new ArrayList<>(values.keySet()));
    }

    /** How many columns this row has; for {@link Columns#check}, without copying the names. */
    int width() {
        return values.size();
    }

    /** Whether this row has the column. */
    public boolean has(String column) {
        return values.containsKey(column);
    }

    /**
     * The value of a column; null for SQL NULL.
     *
     * @throws IllegalArgumentException if the row has no such column (it is named)
     */
    public Object get(String column) {
        Objects.requireNonNull(column, "column");
        if (!values.containsKey(column)) {
            throw new IllegalArgumentException("row has no column " + column + "; its columns are " + values.keySet());
        }
        return Values.exposed(values.get(column));
    }

    /**
     * The value of a column as {@code type}; null for SQL NULL.
     *
     * @throws IllegalArgumentException if there is no such column, or its value is of another type
     */
    public <T> T get(String column, Class<T> type) {
        Object value = get(column);
        if (value != null && !type.isInstance(value)) {
            throw new IllegalArgumentException("column " + column + " holds a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(value);
    }

    /**
     * The key of this row: the values of {@code keyColumns}, in that order.
     *
     * @throws IllegalArgumentException if a key column is missing or null (it is named)
     */
    public RowKey key(List<String> keyColumns) {
        List<Object> key = new ArrayList<>(keyColumns.size());
        for (String column : keyColumns) {
            Object value = get(column);
            if (value == null) {
                throw new IllegalArgumentException("key column " + column + " is null");
            }
            key.add(value);
        }
        return RowKey.of(key);
    }

    /** This row with one column set (replaced in place, or added at the end). */
    public Row with(String column, Object value) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(Builder.checkName(column), Values.canonical(value));
        return new Row(copy);
    }

    /** The columns and values in order, as an unmodifiable map (byte arrays are copies). */
    public Map<String, Object> asMap() {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> copy.put(name, Values.exposed(value)));
        return Collections.unmodifiableMap(copy);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Row)) {
            return false;
        }
        Row that = (Row) other;
        if (values.size() != that.values.size()) {
            return false;
        }
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            if (!that.values.containsKey(entry.getKey())
                    || !Values.equal(entry.getValue(), that.values.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            h += entry.getKey().hashCode() ^ Values.hash(entry.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringJoiner joined = new StringJoiner(", ", "Row(", ")");
        values.forEach((name, value) -> joined.add(name + "=" + Values.show(value)));
        return joined.toString();
    }

    /** Builds a {@link Row}; not threadsafe, and not usable after {@link #build()}. */
    public static final class Builder {
        private LinkedHashMap<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets a column; null is SQL NULL.
         *
         * @throws IllegalArgumentException if the name is blank or was already set (it is named)
         */
        public Builder set(String column, Object value) {
            if (values == null) {
                throw new IllegalStateException("build() was already called");
            }
            if (values.containsKey(checkName(column))) {
                throw new IllegalArgumentException("column " + column + " is set twice");
            }
            values.put(column, Values.canonical(value));
            return this;
        }

        /**
         * The row.
         *
         * @throws IllegalArgumentException if no column was set
         */
        public Row build() {
            if (values == null) {
                throw new IllegalStateException("build() was already called");
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a row has at least one column");
            }
            Row row = new Row(values);
            values = null;
            return row;
        }

        static String checkName(String column) {
            Objects.requireNonNull(column, "column");
            if (column.isBlank()) {
                throw new IllegalArgumentException("a column name is blank");
            }
            return column;
        }
    }
}
