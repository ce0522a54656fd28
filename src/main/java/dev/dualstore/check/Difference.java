package dev.dualstore.check;

import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One row that differs between the source and the target of a {@link Check}. Immutable;
 * {@link #toString()} shows the kind, the key and the columns, never the values (they are user
 * data; {@link #source()} and {@link #target()} hold them).
 *
 * @param kind whether the row is missing, extra or different
 * @param key the row's key
 * @param columns the compared columns whose values differ (empty unless {@link Kind#DIFFERENT})
 * @param source the source row as compared (mapped to the target's columns), if there is one
 * @param target the target row as compared, if there is one
 */
public record Difference(Kind kind, RowKey key, List<String> columns, Optional<Row> source, Optional<Row> target) {
    /** How a row differs. */
    public enum Kind {
        /** In the source, not in the target. */
        MISSING,
        /** In the target, not in the source. */
        EXTRA,
        /** In both, with different values in {@link Difference#columns()}. */
        DIFFERENT;

        /** The kind's name as meters, logs and the JSON report spell it: {@code missing}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Checks and copies the arguments. */
    public Difference {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        columns = List.copyOf(columns);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }

    @Override
    public String toString() {
        return kind.label() + " " + key + (columns.isEmpty() ? "" : " " + columns);
    }
}
