package dev.dualstore.jdbc;

import dev.dualstore.table.ChangeScanning;
import dev.dualstore.table.Columns;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RangeHashing;
import dev.dualstore.table.Table;
import dev.dualstore.table.TableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link Table} over one table of PostgreSQL, MariaDB/MySQL or H2. Its key is the table's
 * primary key (composite allowed) unless chosen, its columns come from the database's metadata, and
 * its dialect from the connection. {@code JdbcTable.of(dataSource, "follows")}.
 *
 * <p>Values, both ways: integers as {@code Long}, {@code numeric}/{@code decimal} as {@code
 * BigDecimal} with the column's scale, text as {@code String} (NULL stays null, {@code ''} stays
 * {@code ""}), bytes as {@code byte[]}, {@code uuid} as {@code UUID} (MariaDB's {@code UUID} type
 * too), {@code timestamp with time zone} (and MariaDB's {@code TIMESTAMP}) as {@code OffsetDateTime}
 * at UTC, {@code timestamp} (MariaDB's {@code DATETIME}) as {@code LocalDateTime}, to the
 * microsecond (finer digits are truncated before a write, so every database keeps the same value;
 * a column of coarser precision rounds or truncates as its database does); dates and times as {@code LocalDate}/{@code LocalTime}. Other types pass through the
 * driver ({@code getObject}/{@code setObject}; on PostgreSQL as text the server casts). A value that
 * does not fit its column fails before anything is written, naming the column.
 *
 * <p>Each call takes a connection from the data source and gives it back before it returns; a write
 * runs in one transaction. Before it works, each call reads the table's metadata again and fails
 * with {@link dev.dualstore.table.SchemaChangedException}, naming the column, if a column was
 * added, dropped or retyped or the key changed since the table was opened (two metadata queries per
 * call, small next to a chunk of rows). Scans use the database's
 * own key order (a text key follows the column's collation). Immutable and threadsafe.
 */
public final class JdbcTable implements Table, RangeHashing, ChangeScanning {
    /** Keys per statement of a read or delete. */
    private static final int KEYS_PER_STATEMENT = 500;

    private final DataSource dataSource;
    private final String name;
    private final Dialect dialect;
    private final TableShape shape;
    private final Columns columns;
    private final TableSql sql;
    private final BulkPath bulkPath;
    private final RowWriter writer;
    private final boolean utcSession;
    private final JdbcRangeHashing hashing;
    private final JdbcChangeScan changes;

    private JdbcTable(Builder builder) {
        this.dataSource = builder.dataSource;
        this.name = builder.schema == null ? builder.table : builder.schema + "." + builder.table;
        try (Connection connection = dataSource.getConnection()) {
            this.dialect = Dialect.of(connection.getMetaData());
            this.shape = TableShape.open(connection, dialect, builder.schema, builder.table, builder.keyColumns);
            this.sql = new TableSql(dialect, connection.getMetaData().getIdentifierQuoteString(), shape);
            this.bulkPath = chooseBulkPath(connection);
        } catch (SQLException e) {
            throw new TableException(name, "cannot open table " + name + ": " + e.getMessage(), e);
        }
        this.writer = new RowWriter(shape, sql, dialect, bulkPath, builder.batchRows);
        this.columns = Columns.of(shape.columns.stream().map(JdbcColumn::name).toList(), shape.key);
        this.utcSession = dialect == Dialect.MARIADB
                && shape.columns.stream().anyMatch(c -> c.kind() == ColumnKind.TIMESTAMPTZ);
        this.hashing = new JdbcRangeHashing(this, shape, sql, dialect);
        this.changes = new JdbcChangeScan(this, shape, sql, dialect);
    }

    /**
     * The table {@code table} in the connection's current schema (MariaDB: database), keyed by its
     * primary key.
     *
     * @throws IllegalArgumentException if there is no such table, it has no primary key, or the
     *     database is not one of PostgreSQL, MariaDB, MySQL, H2
     * @throws TableException if the database cannot be reached
     */
    public static JdbcTable of(DataSource dataSource, String table) {
        return builder(dataSource, table).build();
    }

    /** A builder, for a schema, chosen key columns or a batch size. */
    public static Builder builder(DataSource dataSource, String table) {
        return new Builder(dataSource, table);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Columns columns() {
        return columns;
    }

    /** The database's dialect, found from the connection when the table was opened. */
    public Dialect dialect() {
        return dialect;
    }

    /** How {@link #upsert} writes, chosen when the table was opened. */
    public BulkPath bulkPath() {
        return bulkPath;
    }

    /**
     * Reads the table's metadata and compares it with what it was when the table was opened.
     *
     * @throws dev.dualstore.table.SchemaChangedException naming the column that was added, dropped,
     *     retyped, or moved in or out of the key
     */
    public void verifySchema() {
        call("verify the schema of", connection -> null);
    }

    @Override
    public List<Row> scan(KeyRange range, int limit) {
        Objects.requireNonNull(range, "range");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        range.checkFits(shape.key.size(), name);
        List<TableSql.Param> params = new ArrayList<>();
        String query = sql.scan(range, limit, params);
        return call("scan", connection -> query(connection, query, params, new ArrayList<>(limit)));
    }

    @Override
    public Map<RowKey, Row> read(Collection<RowKey> keys) {
        List<RowKey> wanted = checkedKeys(keys);
        return call("read from", connection -> {
            Map<RowKey, Row> found = new LinkedHashMap<>();
            for (int from = 0; from < wanted.size(); from += KEYS_PER_STATEMENT) {
                List<TableSql.Param> params = new ArrayList<>();
                String where = sql.whereKeys(wanted.subList(from, Math.min(wanted.size(), from + KEYS_PER_STATEMENT)), params);
                for (Row row : query(connection, sql.select(where), params, new ArrayList<>())) {
                    found.put(columns.keyOf(row), row);
                }
            }
            return found;
        });
    }

    @Override
    public void upsert(List<Row> rows) {
        Objects.requireNonNull(rows, "rows");
        // Coerce everything before touching the database, so a misfit value writes nothing.
        Map<RowKey, Integer> indexOfKey = new HashMap<>(rows.size() * 4 / 3 + 1);
        List<Object[]> values = new ArrayList<>(rows.size());
        for (Row row : rows) {
            columns.check(Objects.requireNonNull(row, "a row is null"));
            Object[] coerced = new Object[shape.columns.size()];
            for (int i = 0; i < coerced.length; i++) {
                JdbcColumn column = shape.columns.get(i);
                coerced[i] = JdbcValues.coerce(row.get(column.name()), column, name);
            }
            // The later row of a key wins, in the earlier one's place: one statement never meets a key twice.
            Integer earlier = indexOfKey.putIfAbsent(columns.keyOf(row), values.size());
            if (earlier == null) {
                values.add(coerced);
            } else {
                values.set(earlier, coerced);
            }
        }
        if (values.isEmpty()) {
            return;
        }
        inTransaction("upsert into", connection -> {
            writer.write(connection, values);
            return null;
        });
    }

    @Override
    public void delete(Collection<RowKey> keys) {
        List<RowKey> doomed = checkedKeys(keys);
        if (doomed.isEmpty()) {
            return;
        }
        inTransaction("delete from", connection -> {
            for (int from = 0; from < doomed.size(); from += KEYS_PER_STATEMENT) {
                List<TableSql.Param> params = new ArrayList<>();
                String where = sql.whereKeys(doomed.subList(from, Math.min(doomed.size(), from + KEYS_PER_STATEMENT)), params);
                try (PreparedStatement statement = connection.prepareStatement(sql.delete(where))) {
                    bindParams(statement, params, 1);
                    statement.executeUpdate();
                }
            }
            return null;
        });
    }

    /** {@inheritDoc} Each dialect computes the canonical encoding in SQL; see {@link JdbcRangeHashing}. */
    @Override
    public Optional<String> unhashable(List<String> columns) {
        return hashing.unhashable(columns);
    }

    /** {@inheritDoc} One query, computed inside the database; no row leaves it. */
    @Override
    public RangeHash hash(KeyRange range, List<String> columns, Optional<ChangedBefore> filter) {
        return hashing.hash(range, columns, filter);
    }

    /** {@inheritDoc} One query on the key's index ({@code ORDER BY key LIMIT 1 OFFSET n}). */
    @Override
    public Optional<RowKey> keyAt(KeyRange range, long offset) {
        return hashing.keyAt(range, offset);
    }

    @Override
    public void checkChangeColumn(String column) {
        changes.changeColumn(column);
    }

    /** {@inheritDoc} Keyset paging on (column, key): one index range per page with an index on the column. */
    @Override
    public List<Row> changedSince(String column, Instant since, Optional<RowKey> afterKey, int limit) {
        return changes.changedSince(column, since, afterKey, limit);
    }

    private List<RowKey> checkedKeys(Collection<RowKey> keys) {
        Objects.requireNonNull(keys, "keys");
        LinkedHashSet<RowKey> distinct = new LinkedHashSet<>();
        for (RowKey key : keys) {
            if (Objects.requireNonNull(key, "a key is null").size() != shape.key.size()) {
                throw new IllegalArgumentException("a key has " + key.size() + " values but table " + name + " has "
                        + shape.key.size() + " key columns " + shape.key);
            }
            distinct.add(key);
        }
        return new ArrayList<>(distinct);
    }

    private List<Row> query(Connection connection, String query, List<TableSql.Param> params, List<Row> into)
            throws SQLException {
        return query(connection, query, statement -> bindParams(statement, params, 1), into);
    }

    /** Runs {@code query}, its parameters bound by {@code binder}, adding each row it answers to {@code into}. */
    List<Row> query(Connection connection, String query, Binder binder, List<Row> into) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            binder.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Row.Builder row = Row.builder();
                    for (int i = 0; i < shape.columns.size(); i++) {
                        JdbcColumn column = shape.columns.get(i);
                        row.set(column.name(), JdbcValues.read(rs, i + 1, column, dialect));
                    }
                    into.add(row.build());
                }
            }
        }
        return into;
    }

    /** Binds key {@code params} from parameter {@code first} on. */
    void bindParams(PreparedStatement statement, List<TableSql.Param> params, int first) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            JdbcColumn column = shape.column(shape.key.get(params.get(i).keyIndex()));
            Object value = JdbcValues.coerce(params.get(i).value(), column, name);
            JdbcValues.bind(statement, first + i, value, column, dialect);
        }
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Work on a connection that may throw SQLException. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;

        /** Runs {@code work} in one transaction of {@code connection}: committed, or rolled back if it throws. */
        static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private <T> T inTransaction(String operation, Work<T> work) {
        return call(operation, connection -> Work.inTransaction(connection, work));
    }

    /** Borrows a connection, checks the schema on it, runs the work, gives the connection back. */
    <T> T call(String operation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            shape.requireSame(shape.reread(connection, dialect), name);
            if (!utcSession) {
                return work.run(connection);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET @dualstore_time_zone = @@session.time_zone, time_zone = '+00:00'");
            }
            try {
                return work.run(connection);
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET time_zone = @dualstore_time_zone");
                }
            }
        } catch (SQLException e) {
            throw new TableException(name, operation + " table " + name + " failed: " + e.getMessage(), e);
        }
    }

    private BulkPath chooseBulkPath(Connection connection) throws SQLException {
        switch (dialect) {
            case MARIADB:
                return BulkPath.MARIADB_MULTI_ROW_UPSERT;
            case H2:
                return BulkPath.H2_MERGE;
            default:
                return pgjdbcUsable(connection) ? BulkPath.POSTGRESQL_COPY : BulkPath.POSTGRESQL_BATCHED_UPSERT;
        }
    }

    /** Only touches {@link PgCopy} (and so pgjdbc) when pgjdbc's connection class can be loaded. */
    private static boolean pgjdbcUsable(Connection connection) throws SQLException {
        try {
            Class.forName("org.postgresql.PGConnection", false, JdbcTable.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
        try {
            return PgCopy.usable(connection);
        } catch (LinkageError unreadable) {
            return false; // e.g. on the module path, pgjdbc present but not read by dev.dualstore
        }
    }

    @Override
    public String toString() {
        return "JdbcTable(" + name + ", " + dialect + ", " + columns + ")";
    }

    /**
     * Configures a {@link JdbcTable}; {@link #build()} opens it. Each option may be set once. Not
     * threadsafe; the table it builds is.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private final String table;
        private String schema;
        private List<String> keyColumns = List.of();
        private int batchRows = 1_000;
        private boolean batchRowsSet;

        private Builder(DataSource dataSource, String table) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.table = Objects.requireNonNull(table, "table");
            if (table.isBlank()) {
                throw new IllegalArgumentException("table name is blank");
            }
        }

        /** The schema (MariaDB: database) the table is in; default: the connection's current one. */
        public Builder schema(String schema) {
            if (this.schema != null) {
                throw new IllegalStateException("schema is already set to " + this.schema);
            }
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * The key columns, in key order, for a table without a primary key (they must be unique and not
         * null; PostgreSQL's upsert also needs a unique index on them). Default: the primary key.
         */
        public Builder keyColumns(String... keyColumns) {
            if (!this.keyColumns.isEmpty()) {
                throw new IllegalStateException("keyColumns are already set to " + this.keyColumns);
            }
            if (keyColumns.length == 0) {
                throw new IllegalArgumentException("keyColumns needs at least one column");
            }
            this.keyColumns = List.of(keyColumns);
            return this;
        }

        /** Rows per statement, batch or COPY buffer on the write path; default 1,000. */
        public Builder batchRows(int batchRows) {
            if (batchRowsSet) {
                throw new IllegalStateException("batchRows is already set to " + this.batchRows);
            }
            if (batchRows < 1) {
                throw new IllegalArgumentException("batchRows must be at least 1, was " + batchRows);
            }
            this.batchRows = batchRows;
            this.batchRowsSet = true;
            return this;
        }

        /**
         * Opens the table: finds it, reads its key and columns, and finds the dialect.
         *
         * @throws IllegalArgumentException if there is no such table, it has no primary key and no key
         *     was chosen, a chosen key column does not exist, or the database is not supported
         * @throws TableException if the database cannot be reached
         */
        public JdbcTable build() {
            return new JdbcTable(this);
        }
    }
}
