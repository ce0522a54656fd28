package dev.dualstore.internal;

import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import dev.dualstore.compare.Diagnosis;

/**
 * The verdict on one read: a secondary's answer against the primary's, through the method's
 * comparator (guarded by {@link Callbacks}). Runs on a dualstore worker. Immutable.
 *
 * @param result    what the comparison concluded
 * @param diagnosis why the answers differ; set only for {@link Result#MISMATCH}
 */
record Comparison(Result result, Diagnosis diagnosis) {

    /** What a comparison concluded. */
    enum Result {
        /** Equivalent answers, or both threw the same type of exception. */
        MATCH,
        /** Different answers; see the diagnosis. */
        MISMATCH,
        /** The secondary threw where the primary did not, or the comparator threw. */
        ERROR
    }

    private static final Comparison MATCHED = new Comparison(Result.MATCH, null);
    private static final Comparison FAILED = new Comparison(Result.ERROR, null);

    static Comparison of(MethodPolicy p, Outcome primary, Outcome secondary, Callbacks callbacks) {
        if (primary.threw() || secondary.threw()) {
            return ofExceptions(p, primary, secondary);
        }
        boolean[] equivalent = new boolean[1];
        if (callbacks.compare(() -> equivalent[0] = p.comparator.equivalent(primary.value(), secondary.value())) != null) {
            return FAILED;
        }
        if (equivalent[0]) {
            return MATCHED;
        }
        Diagnosis[] diagnosis = new Diagnosis[1];
        Throwable failure = callbacks.compare(() -> diagnosis[0] = p.comparator.diagnose(primary.value(), secondary.value()));
        if (failure != null || diagnosis[0] == null) {
            diagnosis[0] = new Diagnosis(MismatchKind.VALUE, "not diagnosed: the comparator "
                    + (failure != null ? "threw " + failure.getClass().getName() : "returned no diagnosis"));
        }
        return new Comparison(Result.MISMATCH, diagnosis[0]);
    }

    private static Comparison ofExceptions(MethodPolicy p, Outcome primary, Outcome secondary) {
        if (primary.threw() && secondary.threw() && primary.exception().getClass() == secondary.exception().getClass()) {
            return MATCHED;
        }
        if (!primary.threw() && !p.isExpected(secondary.exception())) {
            return FAILED;
        }
        return new Comparison(Result.MISMATCH, Diagnosis.of(primary, secondary));
    }
}
