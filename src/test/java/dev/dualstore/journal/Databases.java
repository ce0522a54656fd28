package dev.dualstore.journal;

import dev.dualstore.testing.PooledDataSource;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's {@link TestDatabases}, with pooled data sources on them as a service would have
 * (a journal borrows a connection per batch); after the class, the pools close, then the
 * databases are dropped. Threadsafe.
 */
final class Databases implements AfterAllCallback {
    private final TestDatabases databases = new TestDatabases();
    private final Map<Server, PooledDataSource> pools = new EnumMap<>(Server.class);

    /** A pooled data source on this class's database of {@code server}. */
    synchronized DataSource of(Server server) {
        return pools.computeIfAbsent(server, s -> new PooledDataSource(databases.dataSource(s)));
    }

    /** The unpooled data source: a new connection per call. */
    DataSource raw(Server server) {
        return databases.dataSource(server);
    }

    /** See {@link TestDatabases#execute}. */
    void execute(Server server, String... statements) {
        databases.execute(server, statements);
    }

    /** See {@link TestDatabases#database()}. */
    String database() {
        return databases.database();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        for (PooledDataSource pool : pools.values()) {
            pool.close();
        }
        pools.clear();
        databases.afterAll(context);
    }
}
