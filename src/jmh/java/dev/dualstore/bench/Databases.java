package dev.dualstore.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The local PostgreSQL (127.0.0.1:5432, postgres) and MariaDB (127.0.0.1:3306, root) that the
 * database mains use: their admin URLs, statements run on them, and a small connection pool.
 */
final class Databases {
    static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres";
    static final String MARIA_ADMIN = "jdbc:mariadb://127.0.0.1:3306/";

    private Databases() {}

    static String pgUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:5432/" + database;
    }

    static String mariaUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:3306/" + database;
    }

    /** Drops (if there) and creates database {@code name} on both servers, UTF-8. */
    static void createBoth(String name) throws SQLException {
        admin(PG_ADMIN, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)",
                "CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        admin(MARIA_ADMIN, "root", "DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
    }

    /** Drops database {@code name} on both servers. */
    static void dropBoth(String name) throws SQLException {
        admin(PG_ADMIN, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        admin(MARIA_ADMIN, "root", "DROP DATABASE IF EXISTS " + name);
    }

    static void admin(String url, String user, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, ""); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static void run(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Reuses connections, as an application's pool would; unbounded, for one run only. */
    static final class Pool implements DataSource, AutoCloseable {
        private final String url;
        private final String user;
        private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

        Pool(String url, String user) {
            this.url = url;
            this.user = user;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection pooled = idle.poll();
            Connection real = pooled != null ? pooled : DriverManager.getConnection(url, user, "");
            boolean[] back = {false};
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, margs) -> {
                        if (method.getName().equals("close")) {
                            if (!back[0]) {
                                back[0] = true;
                                if (!real.getAutoCommit()) {
                                    real.rollback();
                                    real.setAutoCommit(true);
                                }
                                idle.add(real);
                            }
                            return null;
                        }
                        try {
                            return method.invoke(real, margs);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public void close() throws SQLException {
            for (Connection c; (c = idle.poll()) != null;) {
                c.close();
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
