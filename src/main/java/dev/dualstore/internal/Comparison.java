package dev.dualstore.internal;

import dev.dualstore.MismatchKind;
import dev.dualstore.compare.DeepComparator;
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

    /**
     * @param primary the primary's {@link Answer}
     * @param answer  the secondary's {@link Answer}
     */
    static Comparison of(MethodPolicy p, Object primary, Object answer, Callbacks callbacks) {
        Throwable primaryThrew = Answer.thrown(primary);
        Throwable secondaryThrew = Answer.thrown(answer);
        if (primaryThrew != null || secondaryThrew != null) {
            return ofExceptions(p, primaryThrew, secondaryThrew, primary, answer);
        }
        try {
            if (p.snapshots) {
                answer = DeepComparator.snapshot(answer); // both sides alike, as the comparator expects
            }
            if (p.comparator.equivalent(primary, answer)) {
                return MATCHED;
            }
        } catch (Throwable t) {
            callbacks.comparatorFailed(t);
            return FAILED;
        }
        Diagnosis diagnosis;
        try {
            diagnosis = p.comparator.diagnose(primary, answer);
            if (diagnosis == null) {
                diagnosis = new Diagnosis(MismatchKind.VALUE, "not diagnosed: the comparator returned no diagnosis");
            }
        } catch (Throwable t) {
            callbacks.comparatorFailed(t);
            diagnosis = new Diagnosis(MismatchKind.VALUE, "not diagnosed: the comparator threw " + t.getClass().getName());
        }
        return new Comparison(Result.MISMATCH, diagnosis);
    }

    private static Comparison ofExceptions(MethodPolicy p, Throwable primaryThrew, Throwable secondaryThrew,
            Object primary, Object answer) {
        if (primaryThrew != null && secondaryThrew != null && primaryThrew.getClass() == secondaryThrew.getClass()) {
            return MATCHED;
        }
        if (primaryThrew == null && !p.isExpected(secondaryThrew)) {
            return FAILED;
        }
        return new Comparison(Result.MISMATCH, Diagnosis.of(Answer.outcome(primary), Answer.outcome(answer)));
    }
}
