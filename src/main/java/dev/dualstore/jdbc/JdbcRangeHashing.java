package dev.dualstore.jdbc;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.RangeHashing.ChangedBefore;
import dev.dualstore.table.RangeHashing.RangeHash;
import dev.dualstore.table.RowKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The canonical row hash of {@link dev.dualstore.table.RangeHashing}, written in each dialect's
 * SQL so the database computes it. Every expression here was checked to give the same text on
 * PostgreSQL 15, MariaDB 10.11 and H2 2.3 ({@code RangeHashingTest}). MariaDB's {@code TIMESTAMP}
 * is read in a UTC session ({@link JdbcTable}'s calls set it). Immutable and threadsafe.
 */
final class JdbcRangeHashing {
    private final JdbcTable table;
    private final TableShape shape;
    private final TableSql sql;
    private final Dialect dialect;

    JdbcRangeHashing(JdbcTable table, TableShape shape, TableSql sql, Dialect dialect) {
        this.table = table;
        this.shape = shape;
        this.sql = sql;
        this.dialect = dialect;
    }

    Optional<String> unhashable(List<String> columns) {
        for (String name : columns) {
            if (encode(column(name)) == null) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    RangeHash hash(KeyRange range, List<String> columns, Optional<ChangedBefore> filter) {
        Objects.requireNonNull(range, "range").checkFits(shape.key.size(), table.name());
        Objects.requireNonNull(filter, "filter");
        if (Objects.requireNonNull(columns, "columns").isEmpty()) {
            throw new IllegalArgumentException("hash needs at least one column");
        }
        List<TableSql.Param> params = new ArrayList<>();
        String where = sql.rangeWhere(range, params);
        JdbcColumn changed = filter.map(f -> JdbcChangeScan.requireTimestamp(column(f.column()), table.name())).orElse(null);
        if (changed != null) {
            String c = sql.quote(changed.sqlName());
            where = (where.isEmpty() ? " WHERE " : where + " AND ") + "(" + c + " IS NULL OR " + c + " < ?)";
        }
        String query = hashQuery(columns, where);
        Object cutoff = changed == null ? null : JdbcChangeScan.instantIn(filter.get().before(), changed, table.name());
        return table.call("hash", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                int index = bindKeys(statement, params);
                if (changed != null) {
                    JdbcValues.bind(statement, index, cutoff, changed, dialect);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return new RangeHash(rs.getLong(1), rs.getBigDecimal(2).toBigIntegerExact());
                }
            }
        });
    }

    Optional<RowKey> keyAt(KeyRange range, long offset) {
        Objects.requireNonNull(range, "range").checkFits(shape.key.size(), table.name());
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        List<TableSql.Param> params = new ArrayList<>();
        String query = "SELECT " + String.join(", ", sql.keys) + " FROM " + sql.table + sql.rangeWhere(range, params)
                + " ORDER BY " + sql.orderBy + " LIMIT 1 OFFSET " + offset;
        return table.call("find a chunk boundary in", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                bindKeys(statement, params);
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    List<Object> key = new ArrayList<>(shape.key.size());
                    for (int i = 0; i < shape.key.size(); i++) {
                        key.add(JdbcValues.read(rs, i + 1, shape.column(shape.key.get(i)), dialect));
                    }
                    return Optional.of(RowKey.of(key));
                }
            }
        });
    }

    private int bindKeys(PreparedStatement statement, List<TableSql.Param> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            JdbcColumn column = shape.column(shape.key.get(params.get(i).keyIndex()));
            JdbcValues.bind(statement, i + 1, JdbcValues.coerce(params.get(i).value(), column, table.name()), column, dialect);
        }
        return params.size() + 1;
    }

    private JdbcColumn column(String name) {
        Objects.requireNonNull(name, "a column name is null");
        return shape.columns.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + table.name() + " has no column " + name
                        + "; its columns are " + table.columns().names()));
    }

    /** The count and two sums over the per-row MD5s of the canonical row text. */
    private String hashQuery(List<String> columns, String where) {
        StringJoiner fields = new StringJoiner(dialect == Dialect.MARIADB ? ", '|', " : " || '|' || ",
                dialect == Dialect.MARIADB ? "CONCAT(" : "(", ")");
        for (String name : columns) {
            JdbcColumn column = column(name);
            String encoded = encode(column);
            if (encoded == null) {
                throw new IllegalArgumentException("column " + name + " of table " + table.name() + " is "
                        + column.describe() + ", which has no canonical hash encoding");
            }
            String c = sql.quote(column.sqlName());
            String valued = dialect == Dialect.MARIADB ? "CONCAT('V', " + encoded + ")" : "'V' || " + encoded;
            fields.add("CASE WHEN " + c + " IS NULL THEN 'N' ELSE " + valued + " END");
        }
        String from = " FROM " + sql.table + where;
        switch (dialect) {
            case POSTGRESQL:
                // One sum: PostgreSQL sums bigints as numeric, exactly, and each sum costs per row.
                return "SELECT count(*), coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint), 0)"
                        + " FROM (SELECT md5(" + fields + ") AS h" + from + ") d";
            case MARIADB:
                return "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(SUBSTR(h, 1, 15), 16, 10) AS UNSIGNED)), 0)"
                        + " FROM (SELECT MD5(" + fields + ") AS h" + from + ") d";
            default:
                // HASH gives the 16 digest bytes: bytes 1-4 hold hex digits 1-8, bytes 5-8 digits 9-16
                // (of which the top 28 bits are digits 9-15).
                return "SELECT COUNT(*), COALESCE(SUM(CAST("
                        + "BITAND(CAST(CAST(SUBSTRING(h FROM 1 FOR 4) AS INT) AS BIGINT), 4294967295) * 268435456"
                        + " + BITAND(CAST(CAST(SUBSTRING(h FROM 5 FOR 4) AS INT) AS BIGINT), 4294967295) / 16"
                        + " AS NUMERIC(40, 0))), 0)"
                        + " FROM (SELECT HASH('MD5', " + fields + ") AS h" + from + ") d";
        }
    }

    /** The canonical text of a non-null value of {@code column}, in SQL; null if it has none. */
    private String encode(JdbcColumn column) {
        String c = sql.quote(column.sqlName());
        switch (column.kind()) {
            case BOOLEAN:
                return "CASE WHEN " + c + " THEN '1' ELSE '0' END";
            case INTEGER:
                return text(c);
            case DECIMAL:
                return dialect == Dialect.POSTGRESQL ? c + "::numeric(65,30)::text"
                        : text("CAST(" + c + " AS DECIMAL(65,30))");
            case TEXT:
                return dialect == Dialect.POSTGRESQL ? "encode(convert_to(" + c + ", 'UTF8'), 'hex')"
                        : dialect == Dialect.MARIADB ? "LOWER(HEX(CONVERT(" + c + " USING utf8mb4)))"
                        : "RAWTOHEX(STRINGTOUTF8(" + c + "))";
            case BYTES:
                return dialect == Dialect.POSTGRESQL ? "encode(" + c + ", 'hex')"
                        : dialect == Dialect.MARIADB ? "LOWER(HEX(" + c + "))" : "RAWTOHEX(" + c + ")";
            case UUID:
                return dialect == Dialect.POSTGRESQL ? c + "::text" : "LOWER(" + text(c) + ")";
            case DATE:
                return dialect == Dialect.POSTGRESQL ? "to_char(" + c + ", 'YYYY-MM-DD')"
                        : dialect == Dialect.MARIADB ? "DATE_FORMAT(" + c + ", '%Y-%m-%d')" : text(c);
            case TIMESTAMP:
            case TIMESTAMPTZ:
                return micros(c, column.kind() == ColumnKind.TIMESTAMPTZ);
            default:
                return null;
        }
    }

    private String micros(String c, boolean instant) {
        switch (dialect) {
            case POSTGRESQL:
                // extract gives exact numeric seconds; for a timestamp without zone, its wall clock as UTC.
                return "(extract(epoch from " + c + ") * 1000000)::bigint::text";
            case MARIADB:
                // The session is at UTC during the call, so a TIMESTAMP reads as its UTC wall clock.
                return "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + c + ")";
            default:
                // H2's DATEDIFF compares wall clocks, so an instant is moved to UTC first.
                String wall = instant ? "CAST((" + c + " AT TIME ZONE 'UTC') AS TIMESTAMP(6))" : c;
                return text("DATEDIFF(MICROSECOND, TIMESTAMP '1970-01-01 00:00:00', " + wall + ")");
        }
    }

    private String text(String expression) {
        return dialect == Dialect.POSTGRESQL ? expression + "::text"
                : "CAST(" + expression + " AS " + (dialect == Dialect.MARIADB ? "CHAR" : "VARCHAR") + ")";
    }
}
