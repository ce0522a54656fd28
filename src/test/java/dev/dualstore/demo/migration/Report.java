package dev.dualstore.demo.migration;

import dev.dualstore.table.RowKey;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one run of the migration demo did, phase by phase. Every count was read from a meter
 * (dualstore's, the backfill's, the check's, the journal's, the replay's), from a result
 * ({@code BackfillResult}, {@code CheckResult}), from the traffic's own counters or from the
 * databases; none is written in the code. Immutable.
 *
 * @param stores       where the old and the new store live
 * @param seededRows   follows in the old table before the migration started
 * @param shadowWrites phase 1
 * @param backfill     phase 2, with the journal's replay that caught up after it
 * @param check        phase 3
 * @param shadowReads  phase 4
 * @param rollout      phase 5: one step per sample rate
 * @param dualWrite    the last step before the cutover
 * @param roleChanges  phase 6: cutover, rollback, cutover again
 * @param finalCheck   the check after the last cutover, with the traffic paused
 * @param took         the whole run, set-up and clean-up excluded
 */
public record Report(String stores, long seededRows, ShadowWrites shadowWrites, Backfilled backfill, Checked check,
        ShadowReads shadowReads, List<RolloutStep> rollout, DualWrites dualWrite, List<RoleChange> roleChanges,
        FinalCheck finalCheck, Duration took) {

    public Report {
        rollout = List.copyOf(rollout);
        roleChanges = List.copyOf(roleChanges);
    }

    /**
     * Phase 1: 'new' gets every write, off the caller's thread, and the journal records it.
     *
     * @param calls     calls the traffic made in the phase's window
     * @param writes    of which writes
     * @param shadowed  writes 'new' applied ({@code dualstore.writes}, success)
     * @param journaled writes the journal appended ({@code dualstore.journal.appends}, success)
     * @param compared  reads compared with 'new' (none yet: {@code dualstore.comparisons})
     */
    public record ShadowWrites(long calls, long writes, long shadowed, long journaled, long compared) {}

    /**
     * Phase 2: the copy of what exists, while the traffic writes, then the journal's replay.
     *
     * @param sourceRowsAtStart rows of the old table when the copy started
     * @param rowsCopied        rows the backfill copied ({@code BackfillResult.rowsCopied()})
     * @param chunks            chunks it copied
     * @param took              how long the copy took
     * @param writesDuring      writes the traffic made while it copied
     * @param replayed          journal entries the replay applied to catch up ({@code dualstore.replay.entries})
     * @param lagAfter          entries journaled and not applied once caught up (the journal's last position less the replayer's)
     */
    public record Backfilled(long sourceRowsAtStart, long rowsCopied, long chunks, Duration took, long writesDuring,
            long replayed, long lagAfter) {}

    /**
     * Phase 3: rows damaged in 'new' on purpose, then a repairing check, then a check that only
     * compares.
     *
     * @param damaged         rows damaged, by the kind the check should call them
     * @param damagedKeys     their keys
     * @param rowsCompared    rows the repairing check compared
     * @param skippedInFlight rows it left out because the traffic was writing them ({@code skipChangedWithin})
     * @param missing         rows it found missing in 'new'
     * @param extra           rows it found in 'new' only
     * @param different       rows it found with other values
     * @param repaired        rows it repaired
     * @param foundKeys       the keys of the differences it found (its sample holds them all here)
     * @param recheckDifferences what the second check found, with the traffic paused
     */
    public record Checked(Map<String, Long> damaged, Set<RowKey> damagedKeys, long rowsCompared, long skippedInFlight,
            long missing, long extra,
            long different, long repaired, Set<RowKey> foundKeys, long recheckDifferences) {
        public Checked {
            damaged = Map.copyOf(damaged);
            damagedKeys = Set.copyOf(damagedKeys);
            foundKeys = Set.copyOf(foundKeys);
        }

        /** @return rows damaged, all kinds */
        public long damageMade() {
            return damaged.values().stream().mapToLong(Long::longValue).sum();
        }

        /** @return differences found, all kinds */
        public long found() {
            return missing + extra + different;
        }
    }

    /**
     * Phase 4: reads compared with 'new' as shipped.
     *
     * @param reads             reads the traffic made in the window
     * @param compared          comparisons counted, any result
     * @param matched           of which {@code match}
     * @param raced             of which {@code raced} (the read overlapped a write of the same user)
     * @param mismatchesByKind  of which {@code mismatch}, by kind
     * @param diagnoses         a few of the mismatches, as a {@code MismatchListener} saw them (no values)
     */
    public record ShadowReads(long reads, long compared, long matched, long raced, Map<String, Long> mismatchesByKind,
            List<String> diagnoses) {
        public ShadowReads {
            mismatchesByKind = Map.copyOf(mismatchesByKind);
            diagnoses = List.copyOf(diagnoses);
        }

        /** @return mismatches, all kinds */
        public long mismatched() {
            return mismatchesByKind.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Phase 5: one step of the rollout by user, with the fix deployed.
     *
     * @param percent   the backend's sample rate
     * @param reads     reads the traffic made in the step's window
     * @param compared  reads compared with 'new', any result
     * @param mismatched of which mismatches
     */
    public record RolloutStep(double percent, long reads, long compared, long mismatched) {
        /** @return the share of reads compared, in percent */
        public double comparedPercent() {
            return reads == 0 ? 0 : 100.0 * compared / reads;
        }
    }

    /**
     * The last step before the cutover: {@code Stage.DUAL_WRITE}, the caller waits for both stores.
     *
     * @param writes   writes the traffic made in the window
     * @param toNew    writes 'new' applied on the caller's thread ({@code dualstore.writes}, success)
     * @param mismatched reads compared that mismatched
     */
    public record DualWrites(long writes, long toNew, long mismatched) {}

    /**
     * Phase 6: one role change and the traffic after it.
     *
     * @param action      what was called
     * @param primary     who answered after it ({@code primaryName()})
     * @param secondary   the store mirrored to
     * @param reads       reads the traffic made after it
     * @param compared    reads compared with the secondary
     * @param mismatched  of which mismatches
     * @param writesToSecondary writes the secondary applied
     * @param rows        rows in each table afterwards, with the traffic paused
     * @param tablesEqual whether the old table, mapped to the new schema, equals the new one row for row
     */
    public record RoleChange(String action, String primary, String secondary, long reads, long compared,
            long mismatched, long writesToSecondary, long rows, boolean tablesEqual) {}

    /**
     * @param rowsCompared rows the last check compared
     * @param differences  what it found: missing, extra and different rows
     */
    public record FinalCheck(long rowsCompared, long differences) {}

    /** Prints the final table of phases and their counts. */
    public void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Report (%s, %.1f s)%n", stores, took.toMillis() / 1000.0);
        row(out, "phase", "counts");
        row(out, "-----", "------");
        row(out, "0. seed", n(seededRows) + " follows in 'old'");
        row(out, "1. shadow writes", n(shadowWrites.writes()) + " writes: " + n(shadowWrites.shadowed()) + " shadowed to 'new', "
                + n(shadowWrites.journaled()) + " journaled; " + n(shadowWrites.compared()) + " reads compared");
        row(out, "2. backfill", n(backfill.rowsCopied()) + " rows copied of " + n(backfill.sourceRowsAtStart()) + " at start, in "
                + n(backfill.chunks()) + " chunks, " + seconds(backfill.took()) + ", " + n(backfill.writesDuring())
                + " live writes meanwhile");
        row(out, "   catch-up", n(backfill.replayed()) + " journal entries replayed; lag " + n(backfill.lagAfter()) + " entries");
        row(out, "3. check", n(check.damageMade()) + " rows damaged; found " + n(check.missing()) + " missing, " + n(check.extra())
                + " extra, " + n(check.different()) + " different of " + n(check.rowsCompared()) + " ("
                + n(check.skippedInFlight()) + " in flight left out); repaired "
                + n(check.repaired()) + "; again: " + n(check.recheckDifferences()) + " differences");
        row(out, "4. shadow reads", n(shadowReads.compared()) + " reads compared: " + n(shadowReads.matched()) + " match, "
                + n(shadowReads.mismatched()) + " mismatch " + shadowReads.mismatchesByKind() + ", " + n(shadowReads.raced())
                + " raced");
        for (RolloutStep step : rollout) {
            row(out, String.format(Locale.ROOT, "5. rollout %s%%", trim(step.percent())), n(step.compared()) + " of "
                    + n(step.reads()) + " reads compared (" + String.format(Locale.ROOT, "%.1f%%", step.comparedPercent())
                    + "), " + n(step.mismatched()) + " mismatches");
        }
        row(out, "   dual write", n(dualWrite.toNew()) + " of " + n(dualWrite.writes()) + " writes applied to 'new' before"
                + " the caller went on; " + n(dualWrite.mismatched()) + " mismatches");
        for (RoleChange change : roleChanges) {
            row(out, "6. " + change.action(), change.primary() + " answers; " + n(change.compared()) + " of " + n(change.reads())
                    + " reads compared with '" + change.secondary() + "', " + n(change.mismatched()) + " mismatches; "
                    + n(change.writesToSecondary()) + " writes shadowed; tables " + (change.tablesEqual() ? "equal" : "DIFFER")
                    + " (" + n(change.rows()) + " rows)");
        }
        row(out, "   final check", n(finalCheck.differences()) + " differences in " + n(finalCheck.rowsCompared()) + " rows");
    }

    private static void row(PrintStream out, String phase, String counts) {
        out.printf(Locale.ROOT, "  %-20s %s%n", phase, counts);
    }

    static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String trim(double percent) {
        return percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
    }
}
