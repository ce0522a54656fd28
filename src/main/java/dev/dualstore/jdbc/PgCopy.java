package dev.dualstore.jdbc;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * The one class that touches pgjdbc. {@link JdbcTable} loads it only after finding {@code
 * org.postgresql.PGConnection} on its class path, so a user without pgjdbc never loads it.
 */
final class PgCopy {
    private PgCopy() {
    }

    /** Whether the connection is pgjdbc's, or wraps one (a pool's proxy). */
    static boolean usable(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class);
    }

    /** Runs {@code COPY ... FROM STDIN} with {@code data} in text format; returns the rows copied. */
    static long copyIn(Connection connection, String copySql, CharSequence data) throws SQLException {
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new StringReader(data.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY failed while reading its own buffer", e);
        }
    }
}
