package dev.dualstore.jdbc;

import dev.dualstore.table.SchemaChangedException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a table is and what it looks like, from {@link DatabaseMetaData}: its catalog, schema and
 * stored name, its columns in order, and its key. Immutable; compared with a fresh reading to
 * detect a schema change.
 */
final class TableShape {
    final String catalog;
    final String schema;
    final String sqlName;
    final List<JdbcColumn> columns;
    final List<String> key;
    final boolean keyFromPrimaryKey;

    private TableShape(String catalog, String schema, String sqlName, List<JdbcColumn> columns, List<String> key,
            boolean keyFromPrimaryKey) {
        this.catalog = catalog;
        this.schema = schema;
        this.sqlName = sqlName;
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        this.keyFromPrimaryKey = keyFromPrimaryKey;
    }

    /**
     * Finds {@code table} (as given, else as the database folds unquoted names) in {@code schema},
     * or in the connection's current schema (MariaDB: database) when it is null.
     *
     * @throws IllegalArgumentException if there is no such table, it has no primary key and no key
     *     was chosen, or a chosen key column does not exist (the culprit is named)
     */
    static TableShape open(Connection connection, Dialect dialect, String schema, String table, List<String> chosenKey)
            throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String catalog = dialect == Dialect.MARIADB ? (schema != null ? schema : connection.getCatalog()) : null;
        String schemaName = dialect == Dialect.MARIADB ? null : (schema != null ? schema : connection.getSchema());
        if (dialect == Dialect.MARIADB && catalog == null) {
            // Without a database, the metadata would find a table of this name in any database.
            throw new IllegalArgumentException("no database selected for table " + table
                    + ": name one in the JDBC URL or with JdbcTable.builder(...).schema(...)");
        }
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(table);
        if (metaData.storesUpperCaseIdentifiers()) {
            candidates.add(table.toUpperCase(Locale.ROOT));
        }
        if (metaData.storesLowerCaseIdentifiers()) {
            candidates.add(table.toLowerCase(Locale.ROOT));
        }
        for (String candidate : candidates) {
            List<JdbcColumn> columns = readColumns(metaData, dialect, catalog, schemaName, candidate);
            if (columns.isEmpty()) {
                continue;
            }
            List<String> primaryKey = readPrimaryKey(metaData, catalog, schemaName, candidate, columns);
            if (chosenKey.isEmpty()) {
                if (primaryKey.isEmpty()) {
                    throw new IllegalArgumentException("table " + table
                            + " has no primary key; choose its key columns with JdbcTable.builder(...).keyColumns(...)");
                }
                return new TableShape(catalog, schemaName, candidate, columns, primaryKey, true);
            }
            List<String> key = new ArrayList<>();
            for (String name : chosenKey) {
                key.add(columns.stream().filter(c -> c.name().equals(name) || c.sqlName().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("key column " + name + " is not a column of table "
                                + table)).name());
            }
            return new TableShape(catalog, schemaName, candidate, columns, key, false);
        }
        throw new IllegalArgumentException("table " + table + " not found in "
                + (dialect == Dialect.MARIADB ? "database " + catalog : "schema " + schemaName));
    }

    /** The same table read again; its columns are empty if the table is gone. */
    TableShape reread(Connection connection, Dialect dialect) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        List<JdbcColumn> now = readColumns(metaData, dialect, catalog, schema, sqlName);
        List<String> nowKey = keyFromPrimaryKey && !now.isEmpty()
                ? readPrimaryKey(metaData, catalog, schema, sqlName, now) : key;
        return new TableShape(catalog, schema, sqlName, now, nowKey, keyFromPrimaryKey);
    }

    /**
     * Fails if {@code now} differs from this shape.
     *
     * @throws SchemaChangedException naming the first column added, dropped, retyped, or moved in
     *     or out of the key
     */
    void requireSame(TableShape now, String table) {
        if (now.columns.isEmpty()) {
            throw new SchemaChangedException(table, null, "table " + table + " no longer exists");
        }
        Map<String, JdbcColumn> current = byName(now.columns);
        for (JdbcColumn before : columns) {
            JdbcColumn after = current.get(before.name());
            if (after == null) {
                throw new SchemaChangedException(table, before.name(),
                        "column " + before.name() + " of table " + table + " was dropped or renamed");
            }
            if (!before.sameType(after)) {
                throw new SchemaChangedException(table, before.name(), "column " + before.name() + " of table " + table
                        + " changed type from " + before.describe() + " to " + after.describe());
            }
        }
        Map<String, JdbcColumn> previous = byName(columns);
        for (JdbcColumn after : now.columns) {
            if (!previous.containsKey(after.name())) {
                throw new SchemaChangedException(table, after.name(),
                        "column " + after.name() + " was added to table " + table);
            }
        }
        if (!key.equals(now.key)) {
            for (String column : key) {
                if (!now.key.contains(column)) {
                    throw new SchemaChangedException(table, column,
                            "column " + column + " left the primary key of table " + table);
                }
            }
            for (String column : now.key) {
                if (!key.contains(column)) {
                    throw new SchemaChangedException(table, column,
                            "column " + column + " joined the primary key of table " + table);
                }
            }
            throw new SchemaChangedException(table, now.key.get(0), "the primary key of table " + table
                    + " changed column order from " + key + " to " + now.key);
        }
    }

    private static Map<String, JdbcColumn> byName(List<JdbcColumn> columns) {
        Map<String, JdbcColumn> map = new LinkedHashMap<>();
        columns.forEach(c -> map.put(c.name(), c));
        return map;
    }

    private static List<JdbcColumn> readColumns(DatabaseMetaData metaData, Dialect dialect, String catalog, String schema,
            String table) throws SQLException {
        boolean foldsToUpper = metaData.storesUpperCaseIdentifiers();
        TreeMap<Integer, JdbcColumn> byPosition = new TreeMap<>();
        try (ResultSet rs = metaData.getColumns(catalog, escape(metaData, schema), escape(metaData, table), "%")) {
            while (rs.next()) {
                // The arguments are LIKE patterns; keep only this very table.
                if (!table.equals(rs.getString("TABLE_NAME")) || !sameOrNull(schema, rs.getString("TABLE_SCHEM"))
                        || !sameOrNull(catalog, rs.getString("TABLE_CAT"))) {
                    continue;
                }
                String sqlName = rs.getString("COLUMN_NAME");
                int jdbcType = rs.getInt("DATA_TYPE");
                String typeName = rs.getString("TYPE_NAME");
                int size = rs.getInt("COLUMN_SIZE");
                int scale = rs.getInt("DECIMAL_DIGITS");
                byPosition.put(rs.getInt("ORDINAL_POSITION"), new JdbcColumn(presented(sqlName, foldsToUpper), sqlName,
                        jdbcType, typeName, size, scale, ColumnKind.of(dialect, jdbcType, typeName, size)));
            }
        }
        return new ArrayList<>(byPosition.values());
    }

    private static List<String> readPrimaryKey(DatabaseMetaData metaData, String catalog, String schema, String table,
            List<JdbcColumn> columns) throws SQLException {
        TreeMap<Integer, String> bySequence = new TreeMap<>();
        try (ResultSet rs = metaData.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                if (!table.equals(rs.getString("TABLE_NAME"))) {
                    continue;
                }
                String sqlName = rs.getString("COLUMN_NAME");
                String name = columns.stream().filter(c -> c.sqlName().equals(sqlName)).map(JdbcColumn::name).findFirst()
                        .orElse(sqlName);
                bySequence.put(rs.getInt("KEY_SEQ"), name);
            }
        }
        return new ArrayList<>(bySequence.values());
    }

    /** H2 folds unquoted names to upper case; rows use the lower-case name, as PostgreSQL would. */
    private static String presented(String sqlName, boolean foldsToUpper) {
        String lower = sqlName.toLowerCase(Locale.ROOT);
        return foldsToUpper && sqlName.equals(sqlName.toUpperCase(Locale.ROOT)) && !lower.equals(sqlName) ? lower : sqlName;
    }

    private static boolean sameOrNull(String expected, String actual) {
        return expected == null || actual == null || expected.equals(actual);
    }

    private static String escape(DatabaseMetaData metaData, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String escape = metaData.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    JdbcColumn column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
        return Objects.toString(schema, Objects.toString(catalog, "")) + "." + sqlName + columns;
    }
}
