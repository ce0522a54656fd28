package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ThreadTransactions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mirrored work inside a transaction waits for its commit and is dropped on rollback; writes of
 * concurrent transactions reach the secondary in their commit order; a read that saw the
 * transaction's own writes is compared after the commit.
 */
class TransactionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final ThreadTransactions transactions = new ThreadTransactions();
    private final RowLockingStore primary = new RowLockingStore(transactions);
    private final InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
    private final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    /** The primary: a database whose writes take row locks held until the transaction ends. */
    static final class RowLockingStore extends InMemoryKeyValueStore {
        private final ThreadTransactions transactions;

        RowLockingStore(ThreadTransactions transactions) {
            this.transactions = transactions;
        }

        @Override
        public void put(String key, String value) {
            transactions.lockRow(key, () -> super.put(key, value));
        }

        @Override
        public void append(String key, String value) {
            transactions.lockRow(key, () -> super.append(key, value));
        }
    }

    private MirroringBackend<KeyValueStore> backend() {
        return Backends.keyValue(registry, primary, secondary).transactions(transactions)
                .divergenceListener(divergences::add).build();
    }

    @Test
    void writesOfATransactionThatRollsBackNeverReachTheSecondaryAndAreCounted() {
        try (MirroringBackend<KeyValueStore> backend = backend()) {
            transactions.begin();
            backend.proxy().put("k", "v");
            backend.proxy().append("k", "e");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.snapshot()).as("nothing before the transaction ends").isEmpty();

            transactions.rollback();
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.snapshot()).isEmpty();
            assertThat(meters.writes("rolledback")).isEqualTo(2);
            assertThat(meters.writes("success")).isZero();
        }
    }

    @Test
    void writesOfATransactionReachTheSecondaryAfterItCommitsInThePrimarysOrder() {
        try (MirroringBackend<KeyValueStore> backend = backend()) {
            transactions.begin();
            backend.proxy().append("k", "1");
            backend.proxy().append("k", "2");
            backend.proxy().put("j", "x");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.snapshot()).isEmpty();

            transactions.commit();
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.history("k")).containsExactly("1", "2");
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
            assertThat(meters.writes("success")).isEqualTo(3);
        }
    }

    @Test
    void aReadOfAKeyTheTransactionWroteIsComparedAfterTheCommitAndDroppedOnRollback() {
        try (MirroringBackend<KeyValueStore> backend = backend()) {
            transactions.begin();
            backend.proxy().put("k", "new");
            assertThat(backend.proxy().get("k")).isEqualTo("new"); // sees its own uncommitted write
            assertThat(backend.proxy().get("other")).isNull();     // a key it did not write: at once
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("match")).isOne();
            transactions.commit();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("match")).as("compared once the write had reached the secondary").isEqualTo(2);

            transactions.begin();
            backend.proxy().put("k", "newer");
            backend.proxy().get("k");
            transactions.rollback();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("rolledback")).isOne();
            assertThat(meters.comparisons("mismatch")).isZero();
        }
    }

    @Test
    void aNestedTransactionCommitsItsOwnWritesWhileTheSuspendedOneRollsBackLater() {
        try (MirroringBackend<KeyValueStore> backend = backend()) {
            transactions.begin();
            backend.proxy().put("outer", "o");
            transactions.begin(); // REQUIRES_NEW: the outer one is suspended
            backend.proxy().put("inner", "i");
            transactions.commit();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.get("inner")).isEqualTo("i");
            assertThat(secondary.get("outer")).isNull();

            transactions.rollback(); // the outer one
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.get("outer")).isNull();
            assertThat(meters.writes("rolledback")).isOne();
        }
    }

    @Test
    void stress_concurrentTransactionsOnHotKeysReachTheSecondaryInTheirCommitOrder() throws Exception {
        String[] hot = {"a", "b", "c"};
        Set<String> committed = ConcurrentHashMap.newKeySet();
        try (MirroringBackend<KeyValueStore> backend = backend()) {
            KeyValueStore store = backend.proxy();
            ConcurrentTestHarness.runConcurrently(4, t -> {
                SplittableRandom random = new SplittableRandom(t);
                for (int i = 0; i < 300; i++) {
                    transactions.begin();
                    List<String> appended = new ArrayList<>();
                    // Rows in one order in every transaction, so that this test's database (which
                    // has no deadlock detection) never deadlocks.
                    int first = random.nextInt(hot.length);
                    appended.add(t + ":" + i);
                    store.append(hot[first], t + ":" + i);
                    if (first + 1 < hot.length && random.nextBoolean()) {
                        appended.add(t + ":" + i + "'");
                        store.append(hot[first + 1 + random.nextInt(hot.length - first - 1)], t + ":" + i + "'");
                    }
                    if (random.nextInt(5) == 0) {
                        transactions.rollback(); // this primary keeps rolled-back appends: only commits count below
                    } else {
                        transactions.commit();
                        committed.addAll(appended);
                    }
                }
            });
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("rolledback")).isPositive();
            assertThat(meters.writes("success")).isEqualTo(committed.size());
            assertThat(backend.keysToRepair("new")).isEmpty();
            for (String key : hot) {
                // The primary's row locks make its order of committed appends the commit order.
                List<String> inCommitOrder = primary.history(key).stream().filter(committed::contains).toList();
                assertThat(secondary.history(key)).as("key %s: every committed append, in commit order", key)
                        .isEqualTo(inCommitOrder);
            }
        }
    }

    @Test
    void aWriteOutsideTransactionsWaitingForACommittingOnesRowLockNeverDeadlocksAndIsListed() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        transactions.onRowLockWait(waiting::countDown);
        try (MirroringBackend<KeyValueStore> backend = backend()) {
            transactions.begin();
            backend.proxy().append("k", "in-transaction");
            // Outside any transaction: takes k's fence, then waits for the transaction's row lock.
            CompletableFuture<Void> outside = CompletableFuture.runAsync(() -> backend.proxy().append("k", "outside"));
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

            transactions.commit(); // its fence is taken: the commit gives up on order after a moment
            outside.get(10, TimeUnit.SECONDS);
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.history("k")).containsExactlyInAnyOrder("in-transaction", "outside");
            assertThat(backend.keysToRepair("new")).containsExactly("k");
            assertThat(divergences).singleElement().satisfies(d -> assertThat(d.reason()).isEqualTo(Divergence.Reason.UNORDERED));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("'new'", "append (unordered)", "keysToRepair"));
        }
    }
}
