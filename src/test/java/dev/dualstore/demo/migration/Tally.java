package dev.dualstore.demo.migration;

import static dev.dualstore.metrics.MeterNames.BACKEND;
import static dev.dualstore.metrics.MeterNames.COMPARISONS;
import static dev.dualstore.metrics.MeterNames.JOURNAL;
import static dev.dualstore.metrics.MeterNames.JOURNAL_APPENDS;
import static dev.dualstore.metrics.MeterNames.MATCH;
import static dev.dualstore.metrics.MeterNames.MISMATCH;
import static dev.dualstore.metrics.MeterNames.RACED;
import static dev.dualstore.metrics.MeterNames.RESULT;
import static dev.dualstore.metrics.MeterNames.STORE;
import static dev.dualstore.metrics.MeterNames.SUCCESS;
import static dev.dualstore.metrics.MeterNames.WRITES;

import dev.dualstore.testing.MeterReader;

/**
 * The traffic's counters and the meters of one secondary at one moment; a phase's counts are the
 * difference of two ({@link #minus}). Immutable.
 *
 * @param calls      calls the traffic made
 * @param reads      of which reads
 * @param writes     of which writes
 * @param compared   reads sent to the secondary ({@code dualstore.comparisons}, any result)
 * @param matched    of which {@code match}
 * @param mismatched of which {@code mismatch}
 * @param raced      of which {@code raced}
 * @param shadowed   writes the secondary applied ({@code dualstore.writes}, success)
 * @param journaled  writes the journal appended ({@code dualstore.journal.appends}, success)
 */
record Tally(long calls, long reads, long writes, long compared, long matched, long mismatched, long raced,
        long shadowed, long journaled) {

    static Tally of(Traffic traffic, MeterReader meters, String secondary, String journalTable) {
        String backend = Migration.BACKEND_NAME;
        return new Tally(traffic.calls(), traffic.reads(), traffic.writes(),
                (long) meters.count(COMPARISONS, BACKEND, backend, STORE, secondary),
                (long) meters.count(COMPARISONS, BACKEND, backend, STORE, secondary, RESULT, MATCH),
                (long) meters.count(COMPARISONS, BACKEND, backend, STORE, secondary, RESULT, MISMATCH),
                (long) meters.count(COMPARISONS, BACKEND, backend, STORE, secondary, RESULT, RACED),
                (long) meters.count(WRITES, BACKEND, backend, STORE, secondary, RESULT, SUCCESS),
                (long) meters.count(JOURNAL_APPENDS, JOURNAL, journalTable, RESULT, SUCCESS));
    }

    /** @return what happened between {@code before} and this */
    Tally minus(Tally before) {
        return new Tally(calls - before.calls, reads - before.reads, writes - before.writes, compared - before.compared,
                matched - before.matched, mismatched - before.mismatched, raced - before.raced,
                shadowed - before.shadowed, journaled - before.journaled);
    }
}
