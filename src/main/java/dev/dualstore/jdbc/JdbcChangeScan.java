package dev.dualstore.jdbc;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link dev.dualstore.table.ChangeScanning} in SQL: keyset paging on (change column, key), so each
 * page is one index range when the table has an index on the change column (best: the change
 * column followed by the key). Immutable and threadsafe.
 */
final class JdbcChangeScan {
    private final JdbcTable table;
    private final TableShape shape;
    private final TableSql sql;
    private final Dialect dialect;

    JdbcChangeScan(JdbcTable table, TableShape shape, TableSql sql, Dialect dialect) {
        this.table = table;
        this.shape = shape;
        this.sql = sql;
        this.dialect = dialect;
    }

    JdbcColumn changeColumn(String name) {
        Objects.requireNonNull(name, "the change column is null");
        JdbcColumn column = shape.columns.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + table.name() + " has no column " + name
                        + " to tell when a row changed; its columns are " + table.columns().names()));
        return requireTimestamp(column, table.name());
    }

    /** {@code instant} as a value of a timestamp {@code column}: at UTC, or UTC's wall clock for one without zone. */
    static Object instantIn(Instant instant, JdbcColumn column, String table) {
        java.time.OffsetDateTime utc = instant.atOffset(ZoneOffset.UTC);
        return JdbcValues.coerce(column.kind() == ColumnKind.TIMESTAMPTZ ? utc : utc.toLocalDateTime(), column, table);
    }

    /** @throws IllegalArgumentException naming the column and its type unless it holds timestamps, with or without zone */
    static JdbcColumn requireTimestamp(JdbcColumn column, String table) {
        if (column.kind() != ColumnKind.TIMESTAMP && column.kind() != ColumnKind.TIMESTAMPTZ) {
            throw new IllegalArgumentException("column " + column.name() + " of table " + table + " is " + column.describe()
                    + ", not a timestamp; it cannot tell when a row changed");
        }
        return column;
    }

    List<Row> changedSince(String name, Instant since, Optional<RowKey> afterKey, int limit) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(afterKey, "afterKey");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        JdbcColumn column = changeColumn(name);
        afterKey.ifPresent(key -> {
            if (key.size() != shape.key.size()) {
                throw new IllegalArgumentException("a key has " + key.size() + " values but table " + table.name()
                        + " has " + shape.key.size() + " key columns " + shape.key);
            }
        });
        String c = sql.quote(column.sqlName());
        List<TableSql.Param> keyParams = new ArrayList<>();
        String where = afterKey.map(key -> " WHERE (" + c + " > ? OR (" + c + " = ? AND "
                + sql.rangeWhere(KeyRange.all().after(key), keyParams).substring(" WHERE ".length()) + "))")
                .orElse(" WHERE " + c + " >= ?");
        String query = sql.select(where) + " ORDER BY " + c + ", " + sql.orderBy + " LIMIT " + limit;
        Object at = instantIn(since, column, table.name());
        int changeParams = afterKey.isPresent() ? 2 : 1;
        return table.call("scan changes of", connection -> table.query(connection, query, statement -> {
            for (int i = 1; i <= changeParams; i++) {
                JdbcValues.bind(statement, i, at, column, dialect);
            }
            table.bindParams(statement, keyParams, changeParams + 1);
        }, new ArrayList<>(limit)));
    }
}
