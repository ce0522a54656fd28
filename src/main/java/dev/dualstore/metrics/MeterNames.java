package dev.dualstore.metrics;

/**
 * The meters every {@code MirroringBackend} registers, and their tags. Tag sets are fixed per
 * meter name (as Prometheus requires), and tag values come from bounded sets: the interface's
 * method names, the configured store names and the constants here.
 */
public final class MeterNames {

    private MeterNames() {}

    /**
     * Timer of each mirrored call to each store; tags {@link #BACKEND}, {@link #METHOD},
     * {@link #STORE}, {@link #ROLE}, {@link #OUTCOME}. Comparing the primary's and a secondary's
     * timers gives the relative latency of the stores.
     */
    public static final String CALLS = "dualstore.calls";
    /**
     * Counter of read comparisons; tags {@link #BACKEND}, {@link #METHOD}, {@link #STORE},
     * {@link #RESULT} and {@link #KIND} ({@code none} unless {@code result=mismatch}).
     */
    public static final String COMPARISONS = "dualstore.comparisons";
    /** Counter of shadow writes; tags {@link #BACKEND}, {@link #METHOD}, {@link #STORE}, {@link #RESULT}. */
    public static final String WRITES = "dualstore.writes";
    /** Gauge of secondary calls queued or running; tags {@link #BACKEND}, {@link #STORE}. */
    public static final String PENDING = "dualstore.pending";
    /**
     * Gauge of keys whose writes a store may have missed (listed by {@code keysToRepair}); tags
     * {@link #BACKEND}, {@link #STORE}. Non-zero means the stores may differ until repaired.
     */
    public static final String REPAIRS = "dualstore.repairs";
    /**
     * Counter of exceptions thrown by user callbacks (comparators, normalisers, listeners); tags
     * {@link #BACKEND}, {@link #CALLBACK}.
     */
    public static final String CALLBACK_ERRORS = "dualstore.callback.errors";

    /**
     * Counter of writes delivered to a write observer ({@code dev.dualstore.spi.WriteObserver});
     * tags {@link #BACKEND}, {@link #OBSERVER}, {@link #RESULT} ({@code success}, {@code error},
     * {@code timeout}, {@code rejected}).
     */
    public static final String OBSERVED = "dualstore.observer.writes";

    /** Tag: the backend's name. */
    public static final String BACKEND = "backend";
    /** Tag: the interface method's name. */
    public static final String METHOD = "method";
    /** Tag: the store's name. */
    public static final String STORE = "store";
    /** Tag: a write observer's name. */
    public static final String OBSERVER = "observer";
    /** Tag: {@code primary} or {@code secondary}, the store's role when the call was made. */
    public static final String ROLE = "role";
    /** Tag: {@code success} or {@code error}. */
    public static final String OUTCOME = "outcome";
    /** Tag: the result of a comparison or a shadow write. */
    public static final String RESULT = "result";
    /** Tag: the {@code dev.dualstore.MismatchKind} of a mismatch, or {@code none}. */
    public static final String KIND = "kind";
    /** Tag: {@code comparator}, {@code mismatch-listener} or {@code divergence-listener}. */
    public static final String CALLBACK = "callback";

    /** Comparison result: the answers matched. */
    public static final String MATCH = "match";
    /** Comparison result: the answers differed; see {@link #KIND}. */
    public static final String MISMATCH = "mismatch";
    /** Comparison or write result: the secondary threw where the primary did not, or a comparator threw. */
    public static final String ERROR = "error";
    /** Comparison or write result: the secondary did not answer within the timeout. */
    public static final String TIMEOUT = "timeout";
    /** Comparison or write result: not sent, because the secondary's queue was full. */
    public static final String REJECTED = "rejected";
    /**
     * Comparison result: not compared, because a write to the same key ran on the primary while
     * the read was in flight, so the two stores were asked about different moments.
     */
    public static final String RACED = "raced";
    /**
     * {@code result} of a read or write that timed out during its store's warm-up
     * ({@code warmUp(store, period, timeout)}); a write's key is listed for repair as for a timeout.
     */
    public static final String WARMUP = "warmup";
    /**
     * {@code result} of a read or write made inside a transaction that rolled back: never sent to
     * the secondary ({@code transactions(hook)}).
     */
    public static final String ROLLED_BACK = "rolledback";
    /** Write result: the secondary applied the write. */
    public static final String SUCCESS = "success";
    /** Kind tag of every result but {@link #MISMATCH}. */
    public static final String NO_KIND = "none";

    /**
     * Counter of rows a consistency check ({@code dev.dualstore.check.Check}) compared; tags {@link
     * #CHECK} and {@link #RESULT}: {@code match}, {@code missing}, {@code extra}, {@code different},
     * {@code in_flight} (left out: changed within the in-flight window).
     */
    public static final String CHECK_ROWS = "dualstore.check.rows";
    /**
     * Counter of rows a consistency check repaired in its target; tags {@link #CHECK} and {@link
     * #KIND} ({@code missing}, {@code extra}, {@code different}).
     */
    public static final String CHECK_REPAIRS = "dualstore.check.repairs";
    /**
     * Counter of key-range chunks a consistency check compared; tags {@link #CHECK} and {@link
     * #RESULT}: {@code match} (equal hashes or rows) or {@code differ} (read row by row).
     */
    public static final String CHECK_CHUNKS = "dualstore.check.chunks";
    /**
     * Timer of whole consistency-check runs; tags {@link #CHECK} and {@link #OUTCOME}: {@code equal},
     * {@code different} or {@code error}.
     */
    public static final String CHECK_RUNS = "dualstore.check.runs";
    /** Tag: a consistency check's name (by default its target table's). */
    public static final String CHECK = "check";

    /**
     * Gauge of the step this instance has applied and acknowledged, numbered from 1 as in the
     * plan (0: no plan started); tag {@link #BACKEND}. One series per instance: the registry's
     * common tags (host, pod) tell instances apart.
     */
    public static final String CONTROL_STEP = "dualstore.control.step";
    /** Gauge of the control's version this instance has applied and acknowledged; tag {@link #BACKEND}. */
    public static final String CONTROL_VERSION = "dualstore.control.version";
    /** Counter of steps this instance applied and acknowledged; tag {@link #BACKEND}. */
    public static final String CONTROL_ACKNOWLEDGEMENTS = "dualstore.control.acknowledgements";
    /**
     * Timer of this instance's moves to a new step, from reading it to having applied it (the
     * pause of writes and the drain included); tags {@link #BACKEND}, {@link #RESULT} ({@code
     * success}, {@code error}: not applied, tried again at the next look).
     */
    public static final String CONTROL_TRANSITIONS = "dualstore.control.transitions";
    /**
     * Gauge of the seconds since this instance last reached its control (0 right after each
     * look); tag {@link #BACKEND}. Growing: the instance keeps its last acknowledged step.
     */
    public static final String CONTROL_STALENESS = "dualstore.control.staleness.seconds";
    /**
     * Counter of looks at the control that failed; tags {@link #BACKEND}, {@link #KIND}: {@code
     * unreachable} (the control threw), {@code unusable} (it names a store this instance lacks).
     */
    public static final String CONTROL_ERRORS = "dualstore.control.errors";

    /**
     * Counter of writes a journal received; tags {@link #JOURNAL} and {@link #RESULT}: {@code
     * success} (recorded durably), {@code error} (its append failed) or {@code rejected} (its queue
     * was full, or the journal closed). Each write not recorded is also listed for repair by the
     * backend under the observer name {@code journal}.
     */
    public static final String JOURNAL_APPENDS = "dualstore.journal.appends";
    /** Gauge of writes waiting in a journal's queue to be appended; tag {@link #JOURNAL}. */
    public static final String JOURNAL_PENDING = "dualstore.journal.pending";
    /** Timer of a journal's appends, one per batch (a transaction); tag {@link #JOURNAL}. */
    public static final String JOURNAL_BATCHES = "dualstore.journal.batches";
    /**
     * Gauge: instances of a {@link dev.dualstore.journal.JdbcJournal} that ended without {@code
     * close()} and are not yet marked repaired ({@link dev.dualstore.journal.CrashWindow}); tag {@code journal}.
     */
    public static final String JOURNAL_CRASH_WINDOWS = "dualstore.journal.crash.windows";
    /**
     * Counter of journal entries a replayer handled; tags {@link #REPLAY} and {@link #RESULT}:
     * {@code applied}, or {@code failed} (the target threw; replay stops there).
     */
    public static final String REPLAY_ENTRIES = "dualstore.replay.entries";
    /** Gauge of entries recorded in the journal and not yet replayed; tag {@link #REPLAY}. */
    public static final String REPLAY_LAG_ENTRIES = "dualstore.replay.lag.entries";
    /** Gauge of the age in seconds of the oldest entry not yet replayed (0 when caught up); tag {@link #REPLAY}. */
    public static final String REPLAY_LAG_SECONDS = "dualstore.replay.lag.seconds";
    /** Gauge: 1 once the replayer has applied every entry the journal held when it last looked, else 0; tag {@link #REPLAY}. */
    public static final String REPLAY_CAUGHT_UP = "dualstore.replay.caught.up";
    /** Tag: a journal's name (its table's). */
    public static final String JOURNAL = "journal";
    /** Tag: a replayer's name. */
    public static final String REPLAY = "replay";
}
