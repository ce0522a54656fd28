package dev.dualstore.internal;

import dev.dualstore.Divergence;
import dev.dualstore.DivergenceListener;
import dev.dualstore.Mismatch;
import dev.dualstore.MismatchListener;
import dev.dualstore.Redactor;
import dev.dualstore.Ticker;
import dev.dualstore.metrics.MeterNames;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every user callback of one backend, each wrapped once so that call sites need no try/catch:
 * whatever a callback throws (an {@link Error} too) is counted in
 * {@code dualstore.callback.errors}, logged at most once a second, and never propagates. One
 * listener failing never keeps the next from running.
 *
 * <p>The WARN line names the callback and the exception's class and where it was thrown; the
 * exception's message and stack trace, which may hold record values, are logged only when the
 * user opted in with a redactor.
 *
 * <p>Callbacks run on dualstore's workers only ({@link Workers}). Threadsafe.
 */
final class Callbacks {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");
    static final String COMPARATOR = "comparator";
    static final String MISMATCH_LISTENER = "mismatch-listener";
    static final String DIVERGENCE_LISTENER = "divergence-listener";
    static final String TICKER = "ticker";
    static final String KEY = "key";
    static final String WEIGHER = "weigher";
    static final String ARGUMENTS = "arguments";
    static final String TRANSACTIONS = "transactions";

    private final String backend;
    private final Redactor redactor;
    private final LogLimiter logLimiter;
    private final Meters meters;
    private final Mailbox mailbox;
    private final Failures comparatorErrors;
    private final Failures mismatchListenerErrors;
    private final Failures divergenceListenerErrors;
    private final Failures tickerErrors;
    private final Failures keyErrors;
    private final Failures weigherErrors;
    private final Failures argumentErrors;
    private final Failures transactionErrors;
    private final MismatchListener[] mismatchListeners;
    private final DivergenceListener[] divergenceListeners;

    Callbacks(Meters meters, Mailbox mailbox, List<MismatchListener> mismatchListeners,
            List<DivergenceListener> divergenceListeners, Redactor redactor) {
        this.mailbox = mailbox;
        this.backend = meters.backend();
        this.redactor = redactor;
        this.logLimiter = new LogLimiter(System::nanoTime, TimeUnit.SECONDS.toNanos(1));
        this.meters = meters;
        this.comparatorErrors = new Failures(meters, COMPARATOR);
        this.mismatchListenerErrors = new Failures(meters, MISMATCH_LISTENER);
        this.divergenceListenerErrors = new Failures(meters, DIVERGENCE_LISTENER);
        this.tickerErrors = new Failures(meters, TICKER);
        this.keyErrors = new Failures(meters, KEY);
        this.weigherErrors = new Failures(meters, WEIGHER);
        this.argumentErrors = new Failures(meters, ARGUMENTS);
        this.transactionErrors = new Failures(meters, TRANSACTIONS);
        this.mismatchListeners = mismatchListeners.toArray(new MismatchListener[0]);
        this.divergenceListeners = divergenceListeners.toArray(new DivergenceListener[0]);
    }

    boolean hasMismatchListeners() {
        return mismatchListeners.length > 0;
    }

    boolean hasDivergenceListeners() {
        return divergenceListeners.length > 0;
    }

    /** Tells every mismatch listener, each guarded. Runs on a dualstore worker. */
    void mismatch(Mismatch mismatch) {
        for (MismatchListener listener : mismatchListeners) {
            try {
                listener.onMismatch(mismatch);
            } catch (Throwable t) {
                failed(mismatchListenerErrors, MISMATCH_LISTENER, t);
            }
        }
    }

    /** Tells every divergence listener, each guarded. Runs on a dualstore worker. */
    void divergence(Divergence divergence) {
        for (DivergenceListener listener : divergenceListeners) {
            try {
                listener.onDivergence(divergence);
            } catch (Throwable t) {
                failed(divergenceListenerErrors, DIVERGENCE_LISTENER, t);
            }
        }
    }

    /** A comparator (or a normaliser inside it) threw; counted and logged. Worker thread. */
    void comparatorFailed(Throwable t) {
        failed(comparatorErrors, COMPARATOR, t);
    }

    /** A {@code secondaryArguments} function threw; counted and logged. Worker thread. */
    void argumentsFailed(Throwable t) {
        failed(argumentErrors, ARGUMENTS, t);
    }

    /** A {@code secondaryArguments} function threw for a {@code DUAL_WRITE} store: counted now, logged on a worker. */
    void argumentsFailedOnCallersThread(Throwable t) {
        failedOnCallersThread(argumentErrors, ARGUMENTS, t);
    }

    /** A key whose {@code hashCode} or {@code equals} threw; may run on the caller's thread, so only counts. */
    void keyFailed() {
        keyErrors.count(meters);
    }

    /** A key's {@code hashCode} or {@code equals} threw on a caller's thread: counted now, logged on a worker. */
    void keyFailed(Throwable t) {
        failedOnCallersThread(keyErrors, KEY, t);
    }

    /** The transaction hook threw on a caller's thread: counted now, logged on a worker. */
    void transactionsFailed(Throwable t) {
        failedOnCallersThread(transactionErrors, TRANSACTIONS, t);
    }

    /** A weigher threw on a caller's thread: counted now, logged on a worker. */
    void weigherFailed(Throwable t) {
        failedOnCallersThread(weigherErrors, WEIGHER, t);
    }

    private void failedOnCallersThread(Failures failures, String callback, Throwable t) {
        failures.count(meters);
        mailbox.post(() -> log(callback, t));
    }

    /**
     * The ticker, guarded: a reading that throws is counted and replaced by
     * {@link System#nanoTime()}, so timing goes wrong for that call but the call does not.
     */
    Ticker guard(Ticker ticker) {
        if (ticker == Ticker.system()) {
            return ticker;
        }
        return () -> {
            try {
                return ticker.read();
            } catch (Throwable t) {
                tickerErrors.count(meters);
                return System.nanoTime();
            }
        };
    }

    private void failed(Failures failures, String callback, Throwable t) {
        failures.count(meters);
        log(callback, t);
    }

    /** The failures of one kind of callback, and their counter, registered at the first. */
    private static final class Failures {
        final AtomicLong count = new AtomicLong();
        final Meters.Lazy<io.micrometer.core.instrument.FunctionCounter> counter;

        Failures(Meters meters, String callback) {
            counter = meters.callbackErrorsCounter(callback, count);
        }

        void count(Meters meters) {
            meters.failed(count, counter);
        }
    }

    private void log(String callback, Throwable t) {
        long suppressed = logLimiter.tryAcquire();
        if (suppressed < 0) {
            return;
        }
        String more = suppressed > 0 ? " [" + suppressed + " more callback failures not logged]" : "";
        StackTraceElement[] trace = t.getStackTrace();
        String at = trace.length > 0 ? " at " + trace[0] : "";
        if (redactor == null) {
            LOG.warn("dualstore backend '{}': {} threw {}{}; counted in {}{}", backend, callback, t.getClass().getName(), at,
                    MeterNames.CALLBACK_ERRORS, more);
        } else {
            LOG.warn("dualstore backend '{}': {} threw; counted in {}{}", backend, callback, MeterNames.CALLBACK_ERRORS, more, t);
        }
    }
}
