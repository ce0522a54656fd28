package dev.dualstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.MirroringBackend;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link SpringTransactions} with Spring's own transaction manager over a real database (H2):
 * the secondary gets what the service's transaction committed, and nothing of what it rolled back.
 */
class SpringTransactionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    // Spring's plain DataSource: H2's own implements javax.naming types, which the tests' module does not read.
    private final DriverManagerDataSource dataSource =
            new DriverManagerDataSource("jdbc:h2:mem:spring-tx-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
    private final MirroringBackend<KeyValueStore> backend;

    SpringTransactionsTest() {
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("create table kv (k varchar(64) primary key, v varchar(64))");
        transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        backend = Backends.keyValue(registry, new JdbcKeyValueStore(jdbc), secondary)
                .transactions(SpringTransactions.hook()).build();
    }

    @AfterEach
    void close() {
        backend.close();
        jdbc.execute("shutdown");
    }

    /** The primary: a JDBC repository, in whatever transaction Spring has bound to the thread. */
    static final class JdbcKeyValueStore implements KeyValueStore {
        private final JdbcTemplate jdbc;

        JdbcKeyValueStore(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public String get(String key) {
            List<String> values = jdbc.queryForList("select v from kv where k = ?", String.class, key);
            return values.isEmpty() ? null : values.get(0);
        }

        @Override
        public List<String> history(String key) {
            throw new UnsupportedOperationException("not used here");
        }

        @Override
        public void put(String key, String value) {
            if (jdbc.update("update kv set v = ? where k = ?", value, key) == 0) {
                jdbc.update("insert into kv (k, v) values (?, ?)", key, value);
            }
        }

        @Override
        public void append(String key, String value) {
            throw new UnsupportedOperationException("not used here");
        }
    }

    @Test
    void aRolledBackTransactionLeavesTheSecondaryAsTheDatabaseIs() {
        KeyValueStore store = backend.proxy();
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            store.put("k", "v");
            throw new IllegalStateException("the service fails after the write");
        })).hasMessage("the service fails after the write");
        assertThat(backend.drain(WAIT)).isTrue();

        assertThat(jdbc.queryForObject("select count(*) from kv", Integer.class)).isZero();
        assertThat(secondary.get("k")).isNull();
        assertThat(meters.writes("rolledback")).isOne();
    }

    @Test
    void aCommittedTransactionReachesTheSecondaryAfterTheCommit() {
        KeyValueStore store = backend.proxy();
        transaction.executeWithoutResult(status -> {
            store.put("k", "v");
            store.put("k", "v,w");
            assertThat(store.get("k")).isEqualTo("v,w"); // its own write, compared after the commit
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.get("k")).as("not before the commit").isNull();
        });
        assertThat(backend.drain(WAIT)).isTrue();

        assertThat(secondary.get("k")).isEqualTo("v,w");
        assertThat(meters.writes("success")).isEqualTo(2);
        assertThat(meters.comparisons("match")).isOne();
        assertThat(meters.comparisons("mismatch")).isZero();
    }

    @Test
    void requiresNewCommitsItsOwnWritesWhatTheOuterTransactionDoes() {
        KeyValueStore store = backend.proxy();
        TransactionTemplate requiresNew = new TransactionTemplate(transaction.getTransactionManager());
        requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            store.put("outer", "o");
            requiresNew.executeWithoutResult(inner -> store.put("audit", "a"));
            throw new IllegalStateException("outer fails");
        })).hasMessage("outer fails");
        assertThat(backend.drain(WAIT)).isTrue();

        assertThat(secondary.get("audit")).isEqualTo("a");
        assertThat(secondary.get("outer")).isNull();
        assertThat(meters.writes("success")).isOne();
        assertThat(meters.writes("rolledback")).isOne();
    }

    @Test
    void outsideATransactionWritesAreMirroredAtOnce() {
        backend.proxy().put("k", "v");
        assertThat(backend.drain(WAIT)).isTrue();
        assertThat(secondary.get("k")).isEqualTo("v");
    }
}
