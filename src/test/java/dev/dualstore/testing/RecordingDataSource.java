package dev.dualstore.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that records every SQL statement its connections prepare or execute, with the
 * parameters bound to each, so a test can see which path a table took. It may also hide the
 * driver's own connection class ({@code hideDriver}), as a pool's proxy that does not unwrap
 * would. Threadsafe.
 */
public final class RecordingDataSource implements DataSource {
    /** One statement: its SQL and the parameters bound, by index (the last binding of a batch). */
    public record Recorded(String sql, Map<Integer, Object> parameters) {
    }

    private final DataSource target;
    private final boolean hideDriver;
    private final List<Recorded> statements = new ArrayList<>();

    private RecordingDataSource(DataSource target, boolean hideDriver) {
        this.target = target;
        this.hideDriver = hideDriver;
    }

    /** Records what goes through {@code target}. */
    public static RecordingDataSource recording(DataSource target) {
        return new RecordingDataSource(target, false);
    }

    /** Records, and answers no to {@code isWrapperFor}/{@code unwrap} of anything but Connection. */
    public static RecordingDataSource hidingDriver(DataSource target) {
        return new RecordingDataSource(target, true);
    }

    /** What was recorded so far, in order. */
    public synchronized List<Recorded> statements() {
        return List.copyOf(statements);
    }

    /** The SQL recorded so far, in order. */
    public synchronized List<String> sql() {
        return statements.stream().map(Recorded::sql).toList();
    }

    public synchronized void clear() {
        statements.clear();
    }

    private synchronized Map<Integer, Object> record(String sql) {
        Map<Integer, Object> parameters = java.util.Collections.synchronizedMap(new TreeMap<>());
        statements.add(new Recorded(sql, parameters));
        return parameters;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(target.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (hideDriver && name.equals("isWrapperFor")) {
                return false;
            }
            if (hideDriver && name.equals("unwrap")) {
                throw new SQLException("this connection wraps nothing");
            }
            Object result = invoke(connection, method, args);
            if (name.equals("prepareStatement")) {
                return statement(PreparedStatement.class, (PreparedStatement) result, record((String) args[0]));
            }
            if (name.equals("createStatement")) {
                return statement(Statement.class, (Statement) result, null);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private <S extends Statement> S statement(Class<S> type, S statement, Map<Integer, Object> parameters) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (parameters != null && name.startsWith("set") && args != null && args.length >= 2
                    && args[0] instanceof Integer) {
                parameters.put((Integer) args[0], args[1]);
            }
            if (parameters == null && name.startsWith("execute") && args != null && args.length >= 1
                    && args[0] instanceof String) {
                record((String) args[0]);
            }
            return invoke(statement, method, args);
        };
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
