package dev.dualstore.jdbc;

import dev.dualstore.table.RowKey;
import dev.dualstore.table.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The SQL text of one table in one dialect; immutable. Parameters are collected with the
 * key-column index each one binds to, so values are bound with their column's rules.
 */
final class TableSql {
    /** A parameter of a statement: a value for the key column at {@code keyIndex}. */
    record Param(int keyIndex, Object value) {
    }

    static final String STAGE = "dualstore_stage";

    private final Dialect dialect;
    private final String quote;
    final String table;
    final String columnList;
    final String orderBy;
    final List<String> keys;
    final List<String> nonKeys;

    TableSql(Dialect dialect, String quote, TableShape shape) {
        this.dialect = dialect;
        this.quote = quote == null || quote.isBlank() ? "\"" : quote.trim();
        String qualifier = shape.schema != null ? shape.schema : dialect == Dialect.MARIADB ? shape.catalog : null;
        this.table = (qualifier != null ? quote(qualifier) + "." : "") + quote(shape.sqlName);
        this.keys = shape.key.stream().map(k -> quote(shape.column(k).sqlName())).toList();
        List<String> rest = new ArrayList<>();
        for (JdbcColumn column : shape.columns) {
            if (!shape.key.contains(column.name())) {
                rest.add(quote(column.sqlName()));
            }
        }
        this.nonKeys = List.copyOf(rest);
        this.columnList = String.join(", ", shape.columns.stream().map(c -> quote(c.sqlName())).toList());
        this.orderBy = String.join(", ", keys);
    }

    String quote(String identifier) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    String scan(KeyRange range, int limit, List<Param> params) {
        StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        range.lower().ifPresent(b -> where.add(bound(b.key(), b.inclusive() ? ">=" : ">", b.inclusive() ? ">=" : ">", params)));
        range.upper().ifPresent(b -> where.add(bound(b.key(), b.inclusive() ? "<=" : "<", b.inclusive() ? "<=" : "<", params)));
        return "SELECT " + columnList + " FROM " + table + where + " ORDER BY " + orderBy + " LIMIT " + limit;
    }

    /** {@code WHERE} of {@code range} (empty for every key), as {@link #scan} uses it; for hashing. */
    String rangeWhere(KeyRange range, List<Param> params) {
        StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        range.lower().ifPresent(b -> where.add(bound(b.key(), b.inclusive() ? ">=" : ">", b.inclusive() ? ">=" : ">", params)));
        range.upper().ifPresent(b -> where.add(bound(b.key(), b.inclusive() ? "<=" : "<", b.inclusive() ? "<=" : "<", params)));
        return where.toString();
    }

    /**
     * One bound on the first {@code key.size()} key columns. PostgreSQL compares row values, which
     * its planner turns into one index range. MariaDB also accepts row values but may not use the
     * index for them, so MariaDB and H2 get the expanded form, led by a plain comparison on the first
     * column that keeps the index range: {@code k1 >= ? AND (k1 > ? OR (k1 = ? AND k2 > ?))}.
     */
    private String bound(RowKey key, String last, String inner, List<Param> params) {
        int n = key.size();
        if (dialect == Dialect.POSTGRESQL || n == 1) {
            StringJoiner left = new StringJoiner(", ", n == 1 ? "" : "(", n == 1 ? "" : ")");
            StringJoiner right = new StringJoiner(", ", n == 1 ? "" : "(", n == 1 ? "" : ")");
            for (int i = 0; i < n; i++) {
                left.add(keys.get(i));
                right.add("?");
                params.add(new Param(i, key.get(i)));
            }
            return left + " " + last + " " + right;
        }
        String strict = inner.substring(0, 1); // "<" or ">"
        StringBuilder sql = new StringBuilder();
        sql.append(keys.get(0)).append(' ').append(strict).append("= ?");
        params.add(new Param(0, key.get(0)));
        sql.append(" AND (");
        for (int i = 0; i < n - 1; i++) {
            sql.append(keys.get(i)).append(' ').append(strict).append(" ? OR (").append(keys.get(i)).append(" = ? AND ");
            params.add(new Param(i, key.get(i)));
            params.add(new Param(i, key.get(i)));
            if (i < n - 2) {
                sql.append('(');
            }
        }
        sql.append(keys.get(n - 1)).append(' ').append(last).append(" ?");
        params.add(new Param(n - 1, key.get(n - 1)));
        sql.append(")".repeat(2 * (n - 1) - 1)).append(')');
        return sql.toString();
    }

    /** {@code WHERE} matching any of {@code keys}: {@code k IN (...)}, or ORs of ANDs for a composite key. */
    String whereKeys(List<RowKey> batch, List<Param> params) {
        StringBuilder sql = new StringBuilder(" WHERE ");
        if (keys.size() == 1) {
            sql.append(keys.get(0)).append(" IN (");
            for (int i = 0; i < batch.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
                params.add(new Param(0, batch.get(i).get(0)));
            }
            return sql.append(')').toString();
        }
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "(" : " OR (");
            for (int k = 0; k < keys.size(); k++) {
                sql.append(k == 0 ? "" : " AND ").append(keys.get(k)).append(" = ?");
                params.add(new Param(k, batch.get(i).get(k)));
            }
            sql.append(')');
        }
        return sql.toString();
    }

    String select(String where) {
        return "SELECT " + columnList + " FROM " + table + where;
    }

    String delete(String where) {
        return "DELETE FROM " + table + where;
    }

    private String placeholders(int count) {
        return "(" + String.join(", ", java.util.Collections.nCopies(count, "?")) + ")";
    }

    /** MariaDB: one statement for {@code rows} rows of {@code columns} values each. */
    String mariaDbUpsert(int rows, int columns) {
        StringJoiner values = new StringJoiner(", ");
        String one = placeholders(columns);
        for (int i = 0; i < rows; i++) {
            values.add(one);
        }
        return "INSERT INTO " + table + " (" + columnList + ") VALUES " + values + " ON DUPLICATE KEY UPDATE "
                + assignments(c -> "VALUES(" + c + ")");
    }

    String h2Merge(int columns) {
        return "MERGE INTO " + table + " (" + columnList + ") KEY (" + orderBy + ") VALUES " + placeholders(columns);
    }

    String postgresUpsert(int columns) {
        return "INSERT INTO " + table + " (" + columnList + ") VALUES " + placeholders(columns) + onConflict();
    }

    String postgresCreateStage() {
        return "CREATE TEMPORARY TABLE " + quote(STAGE) + " ON COMMIT DROP AS SELECT " + columnList + " FROM " + table
                + " WITH NO DATA";
    }

    String postgresCopyIntoStage() {
        return "COPY " + quote(STAGE) + " (" + columnList + ") FROM STDIN";
    }

    String postgresCopyIntoTable() {
        return "COPY " + table + " (" + columnList + ") FROM STDIN";
    }

    String postgresMergeStage() {
        return "INSERT INTO " + table + " (" + columnList + ") SELECT " + columnList + " FROM " + quote(STAGE) + onConflict();
    }

    private String onConflict() {
        return " ON CONFLICT (" + orderBy + ") " + (nonKeys.isEmpty() ? "DO NOTHING"
                : "DO UPDATE SET " + assignments(c -> "EXCLUDED." + c));
    }

    /** {@code c = f(c)} for every non-key column; a key-only table assigns its first key to itself. */
    private String assignments(Function<String, String> source) {
        List<String> targets = nonKeys.isEmpty() ? List.of(keys.get(0)) : nonKeys;
        StringJoiner set = new StringJoiner(", ");
        for (String column : targets) {
            set.add(column + " = " + source.apply(column));
        }
        return set.toString();
    }
}
