package dev.dualstore.testing;

import java.util.concurrent.Semaphore;

/**
 * Interleaves a controller's actions (a promote, a stage change) with the calls of many worker
 * threads, without sleeps: each action waits until the workers have made {@code stride} more
 * calls, and the workers never get more than two strides ahead of the actions. So every action
 * happens while workers are still calling, however the threads are scheduled, and the work
 * queued between two actions stays bounded. Threadsafe.
 *
 * <p>The workers' total number of calls must be at least {@code actions * stride}, and the
 * controller must call {@link #finish()} (in a {@code finally}) so the workers never wait on a
 * controller that has stopped.
 */
public final class Pacer {
    private final int stride;
    private final Semaphore made = new Semaphore(0);
    private final Semaphore allowed;

    public Pacer(int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be positive, was " + stride);
        }
        this.stride = stride;
        this.allowed = new Semaphore(2 * stride);
    }

    /** Worker, before each call: waits while the workers are two strides ahead of the controller. */
    public void beforeCall() throws InterruptedException {
        allowed.acquire();
    }

    /** Worker, after each call. */
    public void afterCall() {
        made.release();
    }

    /** Controller, before each action: waits until the workers have made one more stride of calls. */
    public void awaitStride() throws InterruptedException {
        made.acquire(stride);
    }

    /** Controller, after each action: lets the workers make one more stride of calls. */
    public void actionDone() {
        allowed.release(stride);
    }

    /** Controller, when done (or failed): the workers run free from now on. */
    public void finish() {
        allowed.release(Integer.MAX_VALUE / 2);
    }

    /**
     * Controller: runs {@code action} {@code times} times (given 0, 1, ...), each once the workers
     * have made one more stride of calls, then {@link #finish()}es, also when an action throws.
     */
    public void runActions(int times, Action action) throws Exception {
        try {
            for (int i = 0; i < times; i++) {
                awaitStride();
                action.run(i);
                actionDone();
            }
        } finally {
            finish();
        }
    }

    /** One of the controller's actions; gets its index. */
    @FunctionalInterface
    public interface Action {
        void run(int index) throws Exception;
    }
}
