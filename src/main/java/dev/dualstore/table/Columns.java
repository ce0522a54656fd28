package dev.dualstore.table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The columns of a table: every column name in the table's order, and the key columns in key
 * order (a composite key has several). Immutable and threadsafe.
 */
public final class Columns {
    private final List<String> names;
    private final List<String> keyNames;
    private final List<String> nonKeyNames;
    private final Set<String> nameSet;

    private Columns(List<String> names, List<String> keyNames) {
        this.names = List.copyOf(names);
        this.keyNames = List.copyOf(keyNames);
        this.nameSet = Set.copyOf(names);
        List<String> rest = new ArrayList<>(names);
        rest.removeAll(keyNames);
        this.nonKeyNames = List.copyOf(rest);
    }

    /**
     * The columns {@code names}, keyed by {@code keyNames}.
     *
     * @throws IllegalArgumentException if a list is empty, a name repeats, or a key column is not
     *     among the columns (the culprit is named)
     */
    public static Columns of(List<String> names, List<String> keyNames) {
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(keyNames, "keyNames");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a table has at least one column");
        }
        if (keyNames.isEmpty()) {
            throw new IllegalArgumentException("a table has at least one key column");
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            Row.Builder.checkName(name);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("column " + name + " is listed twice");
            }
        }
        Set<String> keys = new HashSet<>();
        for (String key : keyNames) {
            if (!seen.contains(key)) {
                throw new IllegalArgumentException("key column " + key + " is not a column; columns are " + names);
            }
            if (!keys.add(key)) {
                throw new IllegalArgumentException("key column " + key + " is listed twice");
            }
        }
        return new Columns(names, keyNames);
    }

    /** Every column, in the table's order. */
    public List<String> names() {
        return names;
    }

    /** The key columns, in key order. */
    public List<String> keyNames() {
        return keyNames;
    }

    /** The columns that are not part of the key, in the table's order. */
    public List<String> nonKeyNames() {
        return nonKeyNames;
    }

    /** Whether {@code name} is a column. */
    public boolean contains(String name) {
        return nameSet.contains(name);
    }

    /** The key of a row of this table. */
    public RowKey keyOf(Row row) {
        return row.key(keyNames);
    }

    /**
     * Checks that a row has exactly these columns, so that a write never leaves a column out by
     * mistake.
     *
     * @throws IllegalArgumentException naming the first missing or unknown column
     */
    public Row check(Row row) {
        for (String name : names) {
            if (!row.has(name)) {
                throw new IllegalArgumentException("row lacks column " + name + "; the table's columns are " + names);
            }
        }
        if (row.width() != names.size()) {
            for (String name : row.columnNames()) {
                if (!nameSet.contains(name)) {
                    throw new IllegalArgumentException("row has column " + name
                            + ", which the table does not; its columns are " + names);
                }
            }
        }
        return row;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Columns && names.equals(((Columns) other).names)
                && keyNames.equals(((Columns) other).keyNames);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + keyNames.hashCode();
    }

    @Override
    public String toString() {
        return "Columns" + names + " key " + keyNames;
    }
}
