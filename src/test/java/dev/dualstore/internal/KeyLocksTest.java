package dev.dualstore.internal;

import static dev.dualstore.testing.ConcurrentTestHarness.runConcurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.internal.KeyLocks.KeyLock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** One lock per key in use, none for any other, reused without allocation; exclusion per key. */
class KeyLocksTest {
    private final KeyLocks locks = new KeyLocks();

    @Test
    void equalKeysShareOneLockAndDifferentKeysOfOneBinDoNot() {
        int hash = 7; // both keys in one bin
        KeyLock a = locks.hold(new String("k"), hash);
        KeyLock again = locks.hold(new String("k"), hash);
        KeyLock other = locks.hold("other", hash);

        assertThat(again).isSameAs(a);
        assertThat(other).isNotSameAs(a);
        assertThat(locks.size()).isEqualTo(2);

        a.lock();
        assertThat(other.tryLock()).as("another key in the same bin is not blocked").isTrue();
        other.unlock();
        a.unlock();
        locks.letGo(a, hash);
        assertThat(locks.size()).as("still held once").isEqualTo(2);
        locks.letGo(again, hash);
        locks.letGo(other, hash);
        assertThat(locks.size()).isZero();
    }

    @Test
    void aLockLetGoIsReusedForTheNextKeyOfItsBin() {
        KeyLock first = locks.hold("a", 3);
        locks.letGo(first, 3);

        KeyLock next = locks.hold("b", 3 + KeyLocks.BINS);

        assertThat(next).isSameAs(first);
        assertThat(locks.size()).isOne();
    }

    @Test
    void aThrowingEqualsLeavesNothingHeld() {
        KeyLock held = locks.hold("a", 1);
        Object hostile = new Object() {
            @Override
            public boolean equals(Object o) {
                throw new IllegalStateException("equals");
            }

            @Override
            public int hashCode() {
                return 1;
            }
        };

        assertThatThrownBy(() -> locks.hold(hostile, 1)).hasMessage("equals");
        locks.letGo(held, 1);
        assertThat(locks.size()).isZero();
    }

    @Test
    void aWaiterKeepsTheLockLinkedUntilItIsDone() throws Exception {
        KeyLock held = locks.hold("k", 5);
        held.lock();
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch gotIt = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            KeyLock mine = locks.hold("k", 5);
            waiting.countDown();
            mine.lock();
            gotIt.countDown();
            mine.unlock();
            locks.letGo(mine, 5);
        });
        waiter.start();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

        held.unlock();
        locks.letGo(held, 5);
        assertThat(gotIt.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.join();
        assertThat(locks.size()).isZero();
    }

    @Test
    void stress_onlyOneHolderOfAKeyAtATimeAndNothingLeftAfterwards() throws Exception {
        int keys = 24; // few keys, many collisions in bins and on keys
        int rounds = 20_000;
        AtomicIntegerArray inside = new AtomicIntegerArray(keys);
        AtomicIntegerArray entries = new AtomicIntegerArray(keys);
        AtomicIntegerArray overlaps = new AtomicIntegerArray(keys);

        runConcurrently(8, t -> {
            for (int i = 0; i < rounds; i++) {
                int k = (i * 7 + t) % keys;
                Integer key = k;
                int hash = k % 5; // five bins only: chains of several keys
                KeyLock lock = locks.hold(key, hash);
                lock.lock();
                try {
                    if (inside.incrementAndGet(k) != 1) {
                        overlaps.incrementAndGet(k);
                    }
                    entries.incrementAndGet(k);
                    inside.decrementAndGet(k);
                } finally {
                    lock.unlock();
                    locks.letGo(lock, hash);
                }
            }
        });

        int total = 0;
        for (int k = 0; k < keys; k++) {
            assertThat(overlaps.get(k)).as("overlapping holders of key %d", k).isZero();
            total += entries.get(k);
        }
        assertThat(total).isEqualTo(8 * rounds);
        assertThat(locks.size()).isZero();
    }
}
