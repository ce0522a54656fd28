package dev.dualstore.table;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a row of a source table into a row of a target table, for a migration that changes the
 * schema as it moves the data. Built mappings rename, drop and derive columns; every other column
 * passes through under its own name. The Twitch follows table into a TAO-like association table:
 *
 * <pre>{@code
 * RowMapping followsToAssoc = RowMapping.builder()
 *         .rename("from_user", "id1")
 *         .rename("to_user", "id2")
 *         .rename("created_at", "time")
 *         .derive("type", source -> "follows")
 *         .derive("data", source -> null)
 *         .build();
 * }</pre>
 *
 * (Compiled in {@code RowMappingTest}.) A mapping must be a pure function of the source row, and
 * threadsafe: a backfill maps rows on several threads.
 */
@FunctionalInterface
public interface RowMapping {
    /**
     * The target row for {@code source}.
     *
     * @throws IllegalArgumentException if the source row does not fit the mapping (the column is named)
     */
    Row map(Row source);

    /** The mapping that returns each row as it is. */
    static RowMapping identity() {
        return source -> source;
    }

    /** This mapping, then {@code next}. */
    default RowMapping andThen(RowMapping next) {
        Objects.requireNonNull(next, "next");
        return source -> next.map(map(source));
    }

    /** A builder of a mapping by column: renames, drops and derived columns. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a column mapping. Output columns are the source's, in its order, renamed in place,
     * without the dropped ones, then the derived columns in the order they were added. Not
     * threadsafe; the mapping it builds is frozen and threadsafe.
     */
    final class Builder {
        private final Map<String, String> renames = new LinkedHashMap<>();
        private final Set<String> drops = new HashSet<>();
        private final Map<String, Function<Row, ?>> derived = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Source column {@code from} becomes {@code to} in the target.
         *
         * @throws IllegalArgumentException if {@code from} is already renamed or dropped, or {@code to}
         *     is already a target name (the column is named)
         */
        public Builder rename(String from, String to) {
            Row.Builder.checkName(from);
            Row.Builder.checkName(to);
            requireUnmentioned(from);
            requireNewTarget(to);
            renames.put(from, to);
            return this;
        }

        /**
         * Source column {@code column} is left out of the target.
         *
         * @throws IllegalArgumentException if it is already renamed or dropped
         */
        public Builder drop(String column) {
            Row.Builder.checkName(column);
            requireUnmentioned(column);
            drops.add(column);
            return this;
        }

        /**
         * Target column {@code column} is computed from the whole source row; the function may return
         * null (SQL NULL). It must be pure and threadsafe.
         *
         * @throws IllegalArgumentException if {@code column} is already a target name
         */
        public Builder derive(String column, Function<Row, ?> value) {
            Row.Builder.checkName(column);
            Objects.requireNonNull(value, "value");
            requireNewTarget(column);
            derived.put(column, value);
            return this;
        }

        /** The mapping; a frozen copy of what was set. */
        public RowMapping build() {
            return new ColumnMapping(new LinkedHashMap<>(renames), Set.copyOf(drops), new LinkedHashMap<>(derived));
        }

        private void requireUnmentioned(String source) {
            if (renames.containsKey(source) || drops.contains(source)) {
                throw new IllegalArgumentException("source column " + source + " is already "
                        + (drops.contains(source) ? "dropped" : "renamed to " + renames.get(source)));
            }
        }

        private void requireNewTarget(String target) {
            if (renames.containsValue(target) || derived.containsKey(target)) {
                throw new IllegalArgumentException("target column " + target + " is already "
                        + (derived.containsKey(target) ? "derived" : "a rename target"));
            }
        }
    }
}
