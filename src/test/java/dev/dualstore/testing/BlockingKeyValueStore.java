package dev.dualstore.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory store whose {@code get} and {@code put} block until {@link #release()}, and which
 * records the keys of calls interrupted while blocked (they then go on and complete), as a
 * secondary cancelled by dualstore's deadline would be. Threadsafe.
 */
public final class BlockingKeyValueStore extends InMemoryKeyValueStore {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final List<String> interrupted = new CopyOnWriteArrayList<>();

    /** Lets every blocked call, and every later one, through. */
    public void release() {
        release.countDown();
    }

    /** @return whether a call reached the store within {@code timeout} */
    public boolean awaitEntered(Duration timeout) throws InterruptedException {
        return entered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the keys of the calls interrupted while blocked, in order */
    public List<String> interrupted() {
        return List.copyOf(interrupted);
    }

    @Override
    public String get(String key) {
        block(key);
        return super.get(key);
    }

    @Override
    public void put(String key, String value) {
        block(key);
        super.put(key, value);
    }

    private void block(String key) {
        entered.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            interrupted.add(key);
        }
    }
}
