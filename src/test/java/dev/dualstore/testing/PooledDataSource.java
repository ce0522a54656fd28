package dev.dualstore.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;

/**
 * Keeps the connections of another data source for reuse, as an application's pool would: a
 * connection closed by its borrower goes back to an idle queue (unbounded; the tests open few).
 * Tests whose subject borrows a connection per call (every {@code JdbcTable} call) use it so that
 * they measure the subject, not PostgreSQL's connection start-up. Threadsafe.
 */
public final class PooledDataSource extends PlainDataSource implements AutoCloseable {
    private final DataSource physical;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

    public PooledDataSource(DataSource physical) {
        this.physical = physical;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = idle.poll();
        if (connection == null || connection.isClosed()) {
            connection = physical.getConnection();
        }
        Connection real = connection;
        boolean[] returned = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!returned[0]) {
                            returned[0] = true;
                            if (!real.getAutoCommit()) {
                                real.rollback();
                                real.setAutoCommit(true);
                            }
                            idle.add(real);
                        }
                        return null;
                    }
                    if (method.getName().equals("isClosed")) {
                        return returned[0] || real.isClosed();
                    }
                    if (returned[0]) {
                        throw new SQLException("connection was given back to the pool");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a pool has one user");
    }

    /** Closes the idle connections. */
    @Override
    public void close() throws SQLException {
        for (Connection connection; (connection = idle.poll()) != null;) {
            connection.close();
        }
    }
}
