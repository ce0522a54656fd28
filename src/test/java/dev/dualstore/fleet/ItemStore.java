package dev.dualstore.fleet;

import dev.dualstore.Key;
import dev.dualstore.Read;
import dev.dualstore.Write;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The DAO of the fleet tests: each item holds the version of its last write, and a write lands
 * only if its version is higher than the one stored, so writes to one key from several instances
 * converge in both stores whatever order they arrive in (what a service writing one key from
 * many instances needs whether or not it migrates).
 */
public interface ItemStore {
    /** @return the version stored, or null if none */
    @Read
    Long version(@Key long id);

    /** Stores {@code version} unless a higher one is stored. */
    @Write
    void put(@Key long id, long version);

    /** An {@link ItemStore} over table {@code table (id bigint primary key, version bigint)} of PostgreSQL or MariaDB. */
    static ItemStore over(DataSource db, String table, boolean postgres) {
        String upsert = postgres
                ? "INSERT INTO " + table + " (id, version) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version"
                        + " WHERE " + table + ".version < EXCLUDED.version"
                : "INSERT INTO " + table + " (id, version) VALUES (?, ?) ON DUPLICATE KEY UPDATE version = GREATEST(version,"
                        + " VALUES(version))";
        return new ItemStore() {
            @Override
            public Long version(long id) {
                try (Connection c = db.getConnection();
                        PreparedStatement select = c.prepareStatement("SELECT version FROM " + table + " WHERE id = ?")) {
                    select.setLong(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : null;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(table + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void put(long id, long version) {
                try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement(upsert)) {
                    insert.setLong(1, id);
                    insert.setLong(2, version);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(table + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String toString() {
                return table;
            }
        };
    }
}
