package dev.dualstore.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** The mapping {@link RowMapping.Builder#build()} returns: immutable, so threadsafe. */
final class ColumnMapping implements RowMapping {
    private final Map<String, String> renames;
    private final Set<String> drops;
    private final Map<String, Function<Row, ?>> derived;

    ColumnMapping(Map<String, String> renames, Set<String> drops, Map<String, Function<Row, ?>> derived) {
        this.renames = renames;
        this.drops = drops;
        this.derived = derived;
    }

    @Override
    public Row map(Row source) {
        Objects.requireNonNull(source, "source");
        List<String> missing = new ArrayList<>();
        for (String column : renames.keySet()) {
            if (!source.has(column)) {
                missing.add(column);
            }
        }
        for (String column : drops) {
            if (!source.has(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("source row lacks column " + missing.get(0)
                    + " that the mapping renames or drops; its columns are " + source.columnNames());
        }
        Row.Builder target = Row.builder();
        for (String column : source.columnNames()) {
            if (drops.contains(column)) {
                continue;
            }
            String name = renames.getOrDefault(column, column);
            if (!renames.containsKey(column) && (renames.containsValue(name) || derived.containsKey(name))) {
                throw new IllegalArgumentException("source column " + name
                        + " passes through but the mapping also writes target column " + name
                        + "; drop or rename it");
            }
            target.set(name, source.get(column));
        }
        for (Map.Entry<String, Function<Row, ?>> entry : derived.entrySet()) {
            target.set(entry.getKey(), entry.getValue().apply(source));
        }
        return target.build();
    }
}
