package dev.dualstore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.MismatchKind;
import dev.dualstore.demo.FollowsDemo.Counts;
import dev.dualstore.demo.FollowsDemo.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the demo end to end and checks the story it prints against the meters it read. */
class FollowsDemoTest {
    private static Report report;
    private static String printed;

    @BeforeAll
    static void runDemo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            report = FollowsDemo.run(out);
        }
        printed = bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyReadOfEveryStepIsCompared() {
        assertThat(report.steps()).hasSize(4);
        int reads = report.steps().get(0).counts().reads();
        assertThat(reads).isPositive();
        for (FollowsDemo.Step step : report.steps()) {
            Counts c = step.counts();
            assertThat(c.reads()).as(step.title()).isEqualTo(reads); // the same traffic each step
            assertThat(c.otherResults()).as(step.title()).isEmpty();  // no error, timeout, rejected, raced
            assertThat(c.compared()).as(step.title()).isEqualTo(reads);
        }
    }

    @Test
    void defaultComparisonSeesTheTimeZoneAsValueMismatches() {
        Counts c = report.steps().get(0).counts();
        assertThat(c.mismatches()).containsKey(MismatchKind.VALUE);
        assertThat(c.mismatches()).doesNotContainKey(MismatchKind.ORDER);
    }

    @Test
    void normalisingTimeZonesLeavesOnlyOrderAndTheDeletedRecord() {
        Counts c = report.steps().get(1).counts();
        assertThat(c.mismatches().keySet()).containsExactlyInAnyOrder(MismatchKind.ORDER, MismatchKind.EXTRA);
        assertThat(c.mismatched()).isLessThan(report.steps().get(0).counts().mismatched());
    }

    @Test
    void unorderedComparatorLeavesOnlyTheDeletedRecord() {
        Counts normalised = report.steps().get(1).counts();
        Counts unordered = report.steps().get(2).counts();
        assertThat(unordered.mismatches()).isEqualTo(Map.of(MismatchKind.EXTRA, normalised.mismatches().get(MismatchKind.EXTRA)));
    }

    @Test
    void fixingTheNewStoreBringsMismatchesToZero() {
        Counts fixed = report.steps().get(3).counts();
        assertThat(fixed.mismatched()).isZero();
        assertThat(fixed.matched()).isEqualTo(fixed.reads());
    }

    @Test
    void promoteThenRollBackKeepsBothStoresInStep() {
        assertThat(report.roleChanges()).extracting(FollowsDemo.RoleChange::primaryName).containsExactly("old", "new", "old");
        assertThat(report.roleChanges()).extracting(FollowsDemo.RoleChange::comparedStore).containsExactly("new", "old", "new");
        for (FollowsDemo.RoleChange change : report.roleChanges()) {
            Counts c = change.counts();
            assertThat(c.compared()).as(change.action()).isEqualTo(c.reads()).isPositive();
            assertThat(c.mismatched()).as(change.action()).isZero();
        }
        assertThat(report.storesAgree()).isTrue();
    }

    @Test
    void printsTheNumbersItComputed() {
        for (FollowsDemo.Step step : report.steps()) {
            assertThat(printed).contains(step.title());
            assertThat(printed).contains(String.format(java.util.Locale.ROOT, "%,d reads compared, %,d mismatch",
                    step.counts().compared(), step.counts().mismatched()));
        }
        assertThat(printed).contains("promote(\"new\")  primaryName() = new", "promote(\"old\")  primaryName() = old");
    }
}
