package dev.dualstore.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Callers on threads of their own, for a test that must keep calling while another call is held
 * at a gate: {@code @RegisterExtension final CallerThreads callers = new CallerThreads();}. After
 * each test the threads are interrupted and awaited. Threadsafe.
 */
public final class CallerThreads implements AfterEachCallback {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** Runs {@code call} on a thread of its own. */
    public Future<?> submit(Runnable call) {
        return threads.submit(call);
    }

    /** Runs {@code call} on a thread of its own. */
    public <V> Future<V> submit(Callable<V> call) {
        return threads.submit(call);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
