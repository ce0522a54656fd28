package dev.dualstore.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A data source that opens a new connection to a JDBC URL for each call, through {@link
 * DriverManager}; the drivers' own data sources would pull JNDI (java.naming) into the test module.
 * Threadsafe.
 */
public final class DriverDataSource extends PlainDataSource {
    private final String url;
    private final String user;
    private final String password;

    public DriverDataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    @Override
    public String toString() {
        return url;
    }
}
