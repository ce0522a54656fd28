package dev.dualstore.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

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

    /**
     * Runs one {@code COPY ... FROM STDIN} in text format, sending {@code data} each time {@code
     * fill} has appended a part of it (and emptying it), until {@code fill} returns false.
     */
    static void copyIn(Connection connection, String copySql, StringBuilder data, Filler fill) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            boolean more;
            do {
                more = fill.fill();
                if (data.length() > 0) {
                    byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
                    data.setLength(0);
                    copy.writeToCopy(bytes, 0, bytes.length);
                }
            } while (more);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Appends the next part of a COPY's data; false after the last. */
    @FunctionalInterface
    interface Filler {
        boolean fill() throws SQLException;
    }
}
