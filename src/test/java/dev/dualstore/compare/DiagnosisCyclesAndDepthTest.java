package dev.dualstore.compare;

import static dev.dualstore.compare.DeepEqualityCyclesTest.pair;
import static dev.dualstore.compare.DeepEqualityCyclesTest.selfContaining;
import static dev.dualstore.compare.DeepEqualityDepthTest.DEPTH;
import static dev.dualstore.compare.DeepEqualityDepthTest.chain;
import static dev.dualstore.compare.DeepEqualityDepthTest.nest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Diagnoses of cyclic and deep answers end, stay short, and say where the answers differ
 * without showing values. Run on the default thread stack.
 */
// A separate thread, so that a timeout stops work that would never end; its stack is the default size.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiagnosisCyclesAndDepthTest {

    static final String SECRET = "secret-42";

    // ---- deep

    @Test
    void deepRecordChainsDifferingAtTheBottomNameTheComponentAndTheAbbreviatedPath() {
        Diagnosis d = Diagnosis.of(chain(DEPTH, 1), chain(DEPTH, 2));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference())
                .startsWith("Node differs in next; first difference at next.next.next.next.next.next ... ")
                .endsWith(" ... next.next.next.value, 50000 levels down: Integer vs Integer")
                .hasSizeLessThan(200);
    }

    @Test
    void deepListsDifferingAtTheBottomSayHowDeep() {
        Diagnosis d = Diagnosis.of(nest(DEPTH, 1, List::of), nest(DEPTH, 2, List::of));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference())
                .startsWith("1 of the primary's 1 element differs from the secondary's (1 unmatched of 1)")
                .contains("; first difference at [0][0][0][0][0][0] ... [0][0][0][0], " + DEPTH + " levels down")
                .hasSizeLessThan(200);
    }

    @Test
    void deepMapsDifferingAtTheBottomSayHowDeepWithoutShowingKeys() {
        Diagnosis d = Diagnosis.of(nest(DEPTH, 1, v -> Map.of(SECRET, v)), nest(DEPTH, 2, v -> Map.of(SECRET, v)));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference())
                .contains("values differ for 1 of 1 keys")
                .contains("[<key>][<key>]")
                .contains(DEPTH + " levels down")
                .doesNotContain(SECRET)
                .hasSizeLessThan(200);
    }

    @Test
    void deepOptionalsAreUnwrappedToWhatDiffers() {
        assertThat(Diagnosis.of(nest(DEPTH, 1, Optional::of), nest(DEPTH, 2, Optional::of)))
                .isEqualTo(new Diagnosis(MismatchKind.VALUE, "Integer values differ"));
        assertThat(Diagnosis.of(nest(DEPTH, Optional.of(1), Optional::of), nest(DEPTH, Optional.empty(), Optional::of))
                .kind()).isEqualTo(MismatchKind.MISSING);
    }

    @Test
    void deepEqualAnswersSayTheComparatorDisagreed() {
        Diagnosis d = Diagnosis.of(chain(DEPTH, 1), chain(DEPTH, 1));

        assertThat(d).isEqualTo(new Diagnosis(MismatchKind.VALUE, "equal by structure; the comparator disagreed"));
    }

    @Test
    void deepOutcomesAreDiagnosedByTheirValues() {
        assertThat(Diagnosis.of(Outcome.returned(chain(DEPTH, 1)), Outcome.returned(chain(DEPTH, 2))))
                .isEqualTo(Diagnosis.of(chain(DEPTH, 1), chain(DEPTH, 2)));
    }

    @Test
    void shallowDifferencesGetNoPath() {
        // The component name already says where; a path would only repeat it.
        assertThat(Diagnosis.of(chain(2, 1), chain(2, 2)).difference())
                .isEqualTo("Node differs in next; first difference at next.value: Integer vs Integer");
        assertThat(Diagnosis.of(chain(1, 1), chain(1, 2)).difference()).isEqualTo("Node differs in value");
    }

    // ---- cycles

    @Test
    void mutualCyclesThroughRecordsNameThePathToTheDifference() {
        Diagnosis d = Diagnosis.of(pair("a", "b"), pair("a", SECRET));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).isEqualTo("Person differs in friends; first difference at friends[0].name: String vs String");
        assertThat(d.path()).isEqualTo("friends[0].name");
    }

    @Test
    void equalCyclesSayTheComparatorDisagreed() {
        assertThat(Diagnosis.of(pair("a", "b"), pair("a", "b")).difference())
                .isEqualTo("equal by structure; the comparator disagreed");
        assertThat(Diagnosis.of(selfContaining(1), selfContaining(1)).difference())
                .isEqualTo("same 2 elements; the comparator disagreed");
    }

    @Test
    void selfContainingListsNameTheElementThatDiffers() {
        Diagnosis d = Diagnosis.of(selfContaining(SECRET), selfContaining(SECRET + "x"));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference())
                .contains("2 of the primary's 2 elements differ")
                .endsWith("; first difference at [0][1]: String vs String")
                .doesNotContain(SECRET);
    }

    @Test
    void selfContainingMapsAreDiagnosedWithoutShowingKeys() {
        Map<String, Object> primary = new HashMap<>();
        primary.put(SECRET, primary);
        primary.put("n", 1);
        Map<String, Object> secondary = new HashMap<>();
        secondary.put(SECRET, secondary);
        secondary.put("n", 2);

        Diagnosis d = Diagnosis.of(primary, secondary);

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("values differ for 2 of 2 keys").doesNotContain(SECRET);
    }

    @Test
    void cyclicElementsInAnotherOrderAreOrder() {
        Diagnosis d = Diagnosis.of(List.of(pair("a", "b"), pair("c", "d")), List.of(pair("c", "d"), pair("a", "b")));

        assertThat(d.kind()).isEqualTo(MismatchKind.ORDER);
        assertThat(d.difference()).contains("index 0");
    }

    @Test
    void missingCyclicElementsAreMissing() {
        Diagnosis d = Diagnosis.of(List.of(pair("a", "b"), pair("c", "d")), List.of(pair("c", "d")));

        assertThat(d.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(d.difference()).contains("lacks 1 of the primary's 2 elements");
    }
}
