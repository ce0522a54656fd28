package dev.dualstore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts N threads at once (behind one latch) and waits for them all, rethrowing the first
 * failure, so a stress test exercises real interleavings and still fails loudly.
 */
public final class ConcurrentTestHarness {
    private ConcurrentTestHarness() {}

    /** A task run by each thread; gets the thread's index. */
    @FunctionalInterface
    public interface ThreadTask {
        void run(int thread) throws Exception;
    }

    public static void runConcurrently(int threads, ThreadTask task) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    task.run(index);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "harness-" + i);
            t.start();
            started.add(t);
        }
        start.countDown();
        for (Thread t : started) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not finish within 2 minutes");
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("a harness thread failed", failure.get());
        }
    }
}
