package dev.dualstore.internal;

import dev.dualstore.Divergence;
import dev.dualstore.Mismatch;
import dev.dualstore.Redactor;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happened to each mirrored call into meters, repair listings, listener calls and log
 * lines.
 *
 * <p><b>Threads.</b> Outcomes observed on a worker ({@link #answered}) are reported right there.
 * Outcomes observed elsewhere ({@link #rejected} and {@link #dualWrote} on the caller's
 * thread, {@link #timedOut} on the deadline thread) are counted and listed at once, which never
 * runs user code, and their listener calls and log lines are posted to the {@link Mailbox}, which
 * runs them on a worker. So user callbacks never run on the caller's thread or the deadline
 * thread. Threadsafe.
 */
final class Reporter {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");

    private final String backend;
    private final Meters meters;
    private final Callbacks callbacks;
    private final WriteFence fence;
    private final Mailbox mailbox;
    private final Redactor redactor;
    private final LogLimiter divergenceLog = new LogLimiter(System::nanoTime, TimeUnit.SECONDS.toNanos(1));

    Reporter(Meters meters, Callbacks callbacks, WriteFence fence, Mailbox mailbox, Redactor redactor) {
        this.backend = meters.backend();
        this.meters = meters;
        this.callbacks = callbacks;
        this.fence = fence;
        this.mailbox = mailbox;
        this.redactor = redactor;
    }

    /** Records the primary's timing once per mirrored call; on any thread. */
    void primaryTiming(Observation o) {
        primaryTiming(o.policy, o.roles, o.thrown, o.primaryNanos);
    }

    void primaryTiming(MethodPolicy p, Roles r, Throwable thrown, long nanos) {
        meters.record(p.meters[r.primary.id].timer(true, thrown == null), nanos);
    }

    /**
     * A store answered within its deadline. Worker thread.
     *
     * @param primary the primary's {@link Answer} (a future's completed value, for a method that
     *                answers with one)
     * @param answer  the store's {@link Answer}
     */
    void answered(Store s, Observation o, Object primary, Object answer, long nanos) {
        Throwable thrown = Answer.thrown(answer);
        if (s.observer) {
            if (thrown != null) {
                observedFailure(s, o, Divergence.Reason.ERROR, thrown);
            } else {
                meters.increment(s.observerMeters.success);
            }
            return;
        }
        MethodMeters m = o.policy.meters[s.id];
        meters.record(m.timer(false, thrown == null), nanos);
        if (o.policy.dispatch != MethodPolicy.Dispatch.READ) {
            wrote(s, o, thrown, primary, answer);
        } else if (o.stamp != 0L && o.roles.writesSynchronously(s) && !fence.unchanged(o.keyHash, o.stamp)) {
            // Lane order keeps shadow-written stores comparable; a DUAL_WRITE store is written on
            // callers' threads, so only an unchanged fence proves no write slipped in.
            meters.increment(m.raced);
        } else {
            compared(s, o, primary, answer);
        }
    }

    /** A read that raced a write to its key on the primary: not compared. Caller's thread. */
    void raced(Observation o, Store[] readers) {
        primaryTiming(o);
        for (Store s : readers) {
            raced(s, o);
        }
    }

    /** A read that raced a write to its key, found so by a worker: not compared. */
    void raced(Store s, Observation o) {
        meters.increment(o.policy.meters[s.id].raced);
    }

    /**
     * The deadline passed before the store answered. On the deadline thread (or the closing
     * one): counted and listed at once, told to listeners later on a worker.
     */
    void timedOut(Store s, Observation o, long timeoutNanos, boolean warmUp) {
        if (s.observer) {
            meters.increment(s.observerMeters.timeout);
            listAndPost(s, o.policy.name, o.key, Divergence.Reason.TIMEOUT, null);
            return;
        }
        MethodMeters m = o.policy.meters[s.id];
        meters.record(m.secondaryError, timeoutNanos);
        if (o.policy.dispatch == MethodPolicy.Dispatch.READ) {
            meters.increment(warmUp ? m.warmUp : m.timeout);
        } else {
            // Counted apart during the warm-up, but listed all the same: the write may be missing.
            meters.increment(warmUp ? m.writeWarmUp : m.writeTimeout);
            listAndPost(s, o.policy.name, o.key, Divergence.Reason.TIMEOUT, null);
        }
    }

    /**
     * A write observer's {@code record} stage completed, after its call returned within the
     * deadline. On the thread that completed it (the observer's own): counted and listed at once,
     * told to listeners later on a worker.
     */
    void recordedLater(Store s, Observation o, Throwable failure) {
        if (failure == null) {
            meters.increment(s.observerMeters.success);
        } else {
            meters.increment(s.observerMeters.error);
            listAndPost(s, o.policy.name, o.key, Divergence.Reason.ERROR, failure);
        }
    }

    /** The call was never run for {@code s}: no permit, the executor refused it, or the backend closed. Any thread. */
    void rejected(Store s, Observation o) {
        // The primary's timer counts the calls that were mirrored, like a sample; a shed call is
        // not timed, so that shedding, the overload path, stays the cheapest one.
        if (s.observer) {
            meters.increment(s.observerMeters.rejected);
            listAndPost(s, o.policy.name, o.key, Divergence.Reason.REJECTED, null);
            return;
        }
        MethodMeters m = o.policy.meters[s.id];
        if (o.policy.dispatch == MethodPolicy.Dispatch.READ) {
            meters.increment(m.rejected);
        } else {
            meters.increment(m.writeRejected);
            listAndPost(s, o.policy.name, o.key, Divergence.Reason.REJECTED, null);
        }
    }

    /**
     * A transaction's write was handed off without its key's fence, so it may reach the
     * secondaries (and write observers) out of order: listed for each of them. On the thread that
     * ended the transaction.
     */
    void unordered(Roles r, MethodPolicy p, Object key) {
        for (Store[] stores : new Store[][] {r.dualWriters, r.shadowWriters, r.observers}) {
            for (Store s : stores) {
                listAndPost(s, p.name, key, Divergence.Reason.UNORDERED, null);
            }
        }
    }

    /** A call made inside a transaction that rolled back: counted for each store it would have reached. */
    void rolledBack(Roles r, MethodPolicy p) {
        if (p.dispatch == MethodPolicy.Dispatch.READ) {
            for (Store s : r.readers) {
                meters.increment(p.meters[s.id].rolledBack);
            }
            return;
        }
        for (Store s : r.shadowWriters) {
            meters.increment(p.meters[s.id].writeRolledBack);
        }
        for (Store s : r.dualWriters) {
            meters.increment(p.meters[s.id].writeRolledBack);
        }
    }

    /** A {@code DUAL_WRITE} store answered on the caller's thread. */
    void dualWrote(Store s, MethodPolicy p, Object key, long nanos, Throwable thrown) {
        MethodMeters m = p.meters[s.id];
        meters.record(m.timer(false, thrown == null), nanos);
        if (p.applied(thrown)) {
            meters.increment(m.writeSuccess);
        } else {
            meters.increment(m.writeError);
            listAndPost(s, p.name, key, Divergence.Reason.ERROR, thrown);
        }
    }

    private void compared(Store s, Observation o, Object primary, Object answer) {
        MethodMeters m = o.policy.meters[s.id];
        Comparison c = Comparison.of(o.policy, primary, answer, callbacks);
        switch (c.result()) {
            case MATCH -> meters.increment(m.match);
            case ERROR -> meters.increment(m.error);
            case MISMATCH -> {
                meters.increment(m.mismatch.get(c.diagnosis().kind().ordinal()));
                if (callbacks.hasMismatchListeners()) {
                    callbacks.mismatch(new Mismatch(backend, o.policy.name, s.name, o.roles.primary.name, o.arguments(),
                            Answer.outcome(primary), Answer.outcome(answer), c.diagnosis().kind(), c.diagnosis().difference(),
                            c.diagnosis().path()));
                }
            }
        }
    }

    private void wrote(Store s, Observation o, Throwable thrown, Object primary, Object answer) {
        MethodMeters m = o.policy.meters[s.id];
        if (o.policy.applied(thrown) && o.policy.comparesResult
                && Comparison.of(o.policy, primary, answer, callbacks).result() != Comparison.Result.MATCH) {
            // It applied something, but not what the primary did (0 rows where the primary changed 1).
            meters.increment(m.writeMismatch);
            diverged(s, o, Divergence.Reason.MISMATCH, null);
        } else if (o.policy.applied(thrown)) {
            meters.increment(m.writeSuccess);
        } else {
            meters.increment(m.writeError);
            diverged(s, o, Divergence.Reason.ERROR, thrown);
        }
    }

    private void observedFailure(Store s, Observation o, Divergence.Reason reason, Throwable cause) {
        meters.increment(s.observerMeters.error);
        diverged(s, o, reason, cause);
    }

    /** Lists the key and tells at once: we are on a worker. */
    private void diverged(Store s, Observation o, Divergence.Reason reason, Throwable cause) {
        RepairLog.Listing listing = list(s, o.key);
        tell(s, o.policy.name, o.key, reason, cause, listing, divergenceLog.tryAcquire());
    }

    /**
     * Lists the key now; posts the log line and the listener calls to a worker, and only when
     * there is something to post (listeners, or a log line the rate limit lets through), so a
     * flood of rejections costs no more than counting them.
     */
    private void listAndPost(Store s, String method, Object key, Divergence.Reason reason, Throwable cause) {
        RepairLog.Listing listing = list(s, key);
        long suppressed = divergenceLog.tryAcquire();
        if (suppressed >= 0 || callbacks.hasDivergenceListeners()) {
            mailbox.post(() -> tell(s, method, key, reason, cause, listing, suppressed));
        }
    }

    private RepairLog.Listing list(Store s, Object key) {
        RepairLog.Listing listing = s.repairs.add(key);
        if (listing == RepairLog.Listing.KEY_FAILED) {
            callbacks.keyFailed();
        }
        return listing;
    }

    /** @param suppressed what the log limiter said: -1 for no line, else the lines left out before it */
    private void tell(Store s, String method, Object key, Divergence.Reason reason, Throwable cause,
            RepairLog.Listing listing, long suppressed) {
        if (suppressed >= 0) {
            logDivergence(s, method, reason, cause, listing, suppressed);
        }
        if (callbacks.hasDivergenceListeners()) {
            callbacks.divergence(new Divergence(backend, s.name, method, key, reason, cause));
        }
    }

    private void logDivergence(Store s, String method, Divergence.Reason reason, Throwable cause, RepairLog.Listing listing,
            long suppressed) {
        String what = s.observer ? "write observer '" + s.name + "' may have missed a write to "
                : "secondary '" + s.name + "' may have missed a write to ";
        String why = reason.name().toLowerCase(Locale.ROOT) + (cause == null ? "" : ": " + describe(cause));
        String listed = switch (listing) {
            case LISTED -> "its key is listed in keysToRepair(\"" + s.name + "\")";
            case NO_KEY -> "it has no key, so it is counted in writesNotListed(\"" + s.name + "\"): check the whole store";
            case KEY_FAILED -> "its key's hashCode or equals threw, so it is counted in writesNotListed(\"" + s.name + "\")";
            case FULL -> "keysToRepair(\"" + s.name + "\") is full, so it is counted in writesNotListed(\"" + s.name + "\")";
        };
        String more = suppressed > 0 ? " [" + suppressed + " more not logged]" : "";
        LOG.warn("dualstore backend '{}': {}{} ({}); {}{}", backend, what, method, why, listed, more);
    }

    /** The exception's class, and its message only when the user opted in to values in logs. */
    private String describe(Throwable cause) {
        if (redactor == null) {
            return cause.getClass().getName();
        }
        try {
            return cause.getClass().getName() + ": " + redactor.redact(cause.getMessage());
        } catch (Throwable t) {
            return cause.getClass().getName() + " (the redactor threw " + t.getClass().getName() + ")";
        }
    }
}
