package dev.dualstore.demo.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The few JDBC calls the demo's DAOs make, on one connection per call from a pooled data source.
 * A failure becomes an {@link IllegalStateException} naming the statement. Threadsafe.
 */
final class Jdbc {
    /** Reads one row of a result. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    int update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, parameters)) {
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /**
     * Runs {@code update}; when it changed no row, {@code insert}; when a concurrent insert of the
     * same key won, {@code update} again. Portable across H2, PostgreSQL and MariaDB.
     */
    void updateElseInsert(String update, Object[] updateParameters, String insert, Object[] insertParameters) {
        if (update(update, updateParameters) > 0) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, insert, insertParameters)) {
            s.executeUpdate();
        } catch (SQLException e) {
            if (!(e instanceof SQLIntegrityConstraintViolationException) && !"23505".equals(e.getSQLState())
                    && !"23000".equals(e.getSQLState())) {
                throw failed(insert, e);
            }
            update(update, updateParameters);
        }
    }

    <T> List<T> query(String sql, RowReader<T> reader, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, parameters);
                ResultSet rows = s.executeQuery()) {
            List<T> found = new ArrayList<>();
            while (rows.next()) {
                found.add(reader.read(rows));
            }
            return found;
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            s.setObject(i + 1, parameters[i]);
        }
        return s;
    }

    private static IllegalStateException failed(String sql, SQLException e) {
        return new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
}
