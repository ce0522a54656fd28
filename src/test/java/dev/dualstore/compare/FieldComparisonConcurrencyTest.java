package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.ResultComparator;
import dev.dualstore.compare.Clinic.Visit;
import dev.dualstore.testing.ConcurrentTestHarness;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/**
 * One comparator and the same answers shared by many threads at once, as dualstore's workers
 * share them: every thread gets the same verdicts and diagnoses, including the threads that race
 * to work out the comparator's per-class rules for the first time.
 */
class FieldComparisonConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 300;

    @RepeatedTest(3)
    void sharedComparatorsAndAnswersGiveEveryThreadTheSameAnswers() throws InterruptedException {
        DeepComparator comparator = ResultComparator.deep().ignoringFields("notes", "[*].pet.owner.pets")
                .comparingDeclaredTypes();
        List<Visit> primary = Clinic.visits();
        List<Visit> same = Clinic.visits();
        same.get(0).notes = "ignored";
        List<Visit> different = Clinic.visits();
        different.get(1).pet.owner.name = "Bettina";
        Set<Visit> asSet = Set.copyOf(Clinic.visits());
        AtomicInteger checked = new AtomicInteger();

        ConcurrentTestHarness.runConcurrently(THREADS, thread -> {
            for (int i = 0; i < ROUNDS; i++) {
                assertThat(comparator.equivalent(primary, same)).isTrue();
                assertThat(comparator.equivalent(primary, different)).isFalse();
                assertThat(comparator.diagnose(primary, different).path()).isEqualTo("[1].pet.owner.name");
                assertThat(comparator.unordered().equivalent(asSet, Set.copyOf(same))).isTrue();
                checked.incrementAndGet();
            }
        });

        assertThat(checked).hasValue(THREADS * ROUNDS);
    }
}
