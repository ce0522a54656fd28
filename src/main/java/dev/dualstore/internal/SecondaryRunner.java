package dev.dualstore.internal;

import dev.dualstore.Ticker;
import dev.dualstore.spi.WriteObserver;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Runs one mirrored call against one store, on a worker: arms the deadline, calls the store (or
 * the write observer), waits for a future's completion where the method answers with one, and
 * hands the answer to the {@link Reporter}, unless the deadline won the race, in which case the
 * deadline thread reports the timeout. Never throws. Threadsafe and stateless per call.
 */
final class SecondaryRunner {
    private final Reporter reporter;
    private final Ticker ticker;
    private final WriteFence fence;
    private final Callbacks callbacks;
    private final Runnable progressed;

    /** A write observer's stage that had not completed when its {@code record} call returned. */
    private record Later(CompletableFuture<?> stage) {
    }

    /** @param progressed wakes those waiting for calls to finish (drain, close) */
    SecondaryRunner(Reporter reporter, Ticker ticker, WriteFence fence, Callbacks callbacks, Runnable progressed) {
        this.reporter = reporter;
        this.ticker = ticker;
        this.fence = fence;
        this.callbacks = callbacks;
        this.progressed = progressed;
    }

    /** @param slot where the current task publishes its calls' deadlines */
    void run(Store s, Observation o, Deadlines.Slot slot) {
        if (o.timedBy(s)) {
            reporter.primaryTiming(o);
        }
        if (o.stamp != 0L && !o.inOrder(s, fence)) {
            reporter.raced(s, o); // overtaken by a write to its key on the way in: not worth calling
            return;
        }
        long start = ticker.read();
        Deadlines.Deadline deadline = slot.arm(s, o, start);
        Object answer = call(s, o);
        Object primary = o.policy.answersLater ? completed(o.value, o.thrown) : Answer.of(o.value, o.thrown);
        long nanos = ticker.read() - start;
        if (deadline != null && !deadline.finish(slot)) {
            return; // the deadline won and was reported
        }
        if (answer instanceof Later later) {
            reportWhenRecorded(s, o, later.stage());
            return;
        }
        reporter.answered(s, o, primary, answer, nanos);
    }

    /** Counted until the stage completes, so that drain() and close() wait for it. */
    private void reportWhenRecorded(Store s, Observation o, CompletableFuture<?> stage) {
        s.recording.incrementAndGet();
        stage.whenComplete((value, failure) -> {
            try {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                reporter.recordedLater(s, o, cause);
            } finally {
                s.recording.decrementAndGet();
                progressed.run();
            }
        });
    }

    /** @return what the store returned, or an {@link Answer} of what it threw */
    private Object call(Store s, Observation o) {
        try {
            if (s.observer) {
                CompletableFuture<?> stage = ((WriteObserver) s.target).record(o).toCompletableFuture();
                return stage.isDone() ? completed(stage, null) : new Later(stage);
            }
            Object[] args = o.args;
            if (o.policy.secondaryArguments != null) {
                try {
                    args = o.policy.secondaryArguments(o.args, o.value, o.thrown);
                } catch (Throwable t) {
                    callbacks.argumentsFailed(t);
                    return Answer.threw(t); // never sent: the store counts as failing the call
                }
            }
            Object value = o.policy.method.invoke(s.target(o.policy), args);
            return o.policy.answersLater ? completed(value, null) : value;
        } catch (InvocationTargetException e) {
            return Answer.threw(e.getCause());
        } catch (Throwable t) {
            return Answer.threw(t);
        }
    }

    /**
     * What a future-returning call ended with: the future's value or failure, waited for under
     * the deadline (which interrupts the wait). A call that threw, or returned null, is taken as is.
     */
    private static Object completed(Object value, Throwable thrown) {
        if (thrown != null) {
            return Answer.threw(thrown);
        }
        try {
            if (value instanceof CompletionStage<?> stage) {
                return stage.toCompletableFuture().get();
            }
            if (value instanceof Future<?> future) {
                return future.get();
            }
            return value;
        } catch (ExecutionException | CompletionException e) {
            return Answer.threw(e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.threw(e);
        } catch (Throwable t) {
            return Answer.threw(t);
        }
    }
}
