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
 * Pooled data sources on a test class's databases, as a service would have: a journal borrows a
 * connection per batch. Register it after the {@link TestDatabases}, so its connections close
 * before the databases are dropped. Threadsafe.
 */
final class Pools implements AfterAllCallback {
    private final TestDatabases databases;
    private final Map<Server, PooledDataSource> pools = new EnumMap<>(Server.class);

    Pools(TestDatabases databases) {
        this.databases = databases;
    }

    synchronized DataSource of(Server server) {
        return pools.computeIfAbsent(server, s -> new PooledDataSource(databases.dataSource(s)));
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        for (PooledDataSource pool : pools.values()) {
            pool.close();
        }
        pools.clear();
    }
}
