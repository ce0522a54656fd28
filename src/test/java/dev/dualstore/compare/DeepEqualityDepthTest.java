package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deep answers: 50,000 levels compare, hash and multiset-compare on the thread stack the JVM
 * gives by default (the build sets no -Xss), in time linear in the depth. The values' own
 * equals, hashCode and toString recurse and would overflow, so assertions never touch them.
 */
// A separate thread, so that a timeout stops work that would never end; its stack is the default size.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeepEqualityDepthTest {

    static final int DEPTH = 50_000;

    record Node(Node next, int value) {}

    record Holder(Object content) {}

    /** {@code length} nodes; the last one's value is {@code bottom}, the others their position. */
    static Node chain(int length, int bottom) {
        Node node = new Node(null, bottom);
        for (int i = 1; i < length; i++) {
            node = new Node(node, i);
        }
        return node;
    }

    static Object nest(int depth, Object bottom, Function<Object, Object> wrap) {
        Object value = bottom;
        for (int i = 0; i < depth; i++) {
            value = wrap.apply(value);
        }
        return value;
    }

    static Object mutableLists(int depth, Object bottom) {
        return nest(depth, bottom, v -> new ArrayList<>(List.of(v)));
    }

    /** Each level a different container, so every frame kind is nested in every other. */
    static Object mixed(int depth, Object bottom) {
        Object value = bottom;
        for (int i = 0; i < depth; i++) {
            value = switch (i % 5) {
                case 0 -> new Holder(value);
                case 1 -> List.of(value, i);
                case 2 -> Map.of("k", value);
                case 3 -> Optional.of(value);
                default -> new Object[] {value};
            };
        }
        return value;
    }

    static Stream<Arguments> deepPairs() {
        return Stream.of(
                Arguments.of("record chain", chain(DEPTH, 7), chain(DEPTH, 7), chain(DEPTH, 8)),
                Arguments.of("immutable lists",
                        nest(DEPTH, 7, List::of), nest(DEPTH, 7, List::of), nest(DEPTH, 8, List::of)),
                Arguments.of("mutable lists", mutableLists(DEPTH, 7), mutableLists(DEPTH, 7), mutableLists(DEPTH, 8)),
                Arguments.of("maps",
                        nest(DEPTH, 7, v -> Map.of("k", v)), nest(DEPTH, 7, v -> Map.of("k", v)),
                        nest(DEPTH, 8, v -> Map.of("k", v))),
                Arguments.of("optionals",
                        nest(DEPTH, 7, Optional::of), nest(DEPTH, 7, Optional::of), nest(DEPTH, 8, Optional::of)),
                Arguments.of("arrays",
                        nest(DEPTH, 7, v -> new Object[] {v}), nest(DEPTH, 7, v -> new Object[] {v}),
                        nest(DEPTH, 8, v -> new Object[] {v})),
                // Set.of with one element hashes nothing, so a deep one can be built.
                Arguments.of("sets", nest(DEPTH, 7, Set::of), nest(DEPTH, 7, Set::of), nest(DEPTH, 8, Set::of)),
                Arguments.of("mixed", mixed(DEPTH, 7), mixed(DEPTH, 7), mixed(DEPTH, 8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepPairs")
    void deepEqualAnswersAreEqual(String shape, Object a, Object sameAsA, Object differentAtTheBottom) {
        assertThat(DeepEquality.equal(a, sameAsA)).isTrue();
        assertThat(DeepEquality.equal(sameAsA, a)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepPairs")
    void deepAnswersDifferingOnlyAtTheBottomDiffer(String shape, Object a, Object sameAsA, Object differentAtTheBottom) {
        assertThat(DeepEquality.equal(a, differentAtTheBottom)).isFalse();
        assertThat(DeepEquality.equal(differentAtTheBottom, a)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepPairs")
    void deepAnswersHashConsistently(String shape, Object a, Object sameAsA, Object differentAtTheBottom) {
        assertThat(DeepEquality.hash(a)).isEqualTo(DeepEquality.hash(sameAsA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepPairs")
    void deepAnswersCompareAsMultisetElements(String shape, Object a, Object sameAsA, Object differentAtTheBottom) {
        assertThat(DeepEquality.equalIgnoringOrder(List.of(a, "x"), List.of("x", sameAsA))).isTrue();
        assertThat(DeepEquality.equalIgnoringOrder(List.of(a, "x"), List.of("x", differentAtTheBottom))).isFalse();
    }

    @Test
    void deepRecordsInsideSetsCompare() {
        // A deep record's own hashCode overflows; Set.of holding one element never calls it.
        assertThat(DeepEquality.equal(Set.of(chain(DEPTH, 1)), Set.of(chain(DEPTH, 1)))).isTrue();
        assertThat(DeepEquality.equal(Set.of(chain(DEPTH, 1)), Set.of(chain(DEPTH, 2)))).isFalse();
    }

    @Test
    void depthCostsNoThreadStack() throws InterruptedException {
        // A thread with a quarter of the usual stack still compares 50,000 levels.
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                outcome.set(List.of(
                        DeepEquality.equal(chain(DEPTH, 1), chain(DEPTH, 1)),
                        DeepEquality.equal(mixed(DEPTH, 1), mixed(DEPTH, 2)),
                        DeepEquality.equalIgnoringOrder(List.of(chain(DEPTH, 1)), List.of(chain(DEPTH, 1)))));
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "small-stack", 256 * 1024);
        thread.start();
        thread.join();

        assertThat(outcome.get()).isEqualTo(List.of(true, false, true));
    }

    @Test
    void veryDeepAnswersCompareInLinearTime() {
        // Quadratic work (a path searched on every step, say) would not finish 400,000 levels
        // within the timeout; linear work takes well under a second.
        int depth = 400_000;
        assertThat(DeepEquality.equal(chain(depth, 1), chain(depth, 1))).isTrue();
        assertThat(DeepEquality.equal(chain(depth, 1), chain(depth, 2))).isFalse();
        assertThat(DeepEquality.equal(mutableLists(depth, 1), mutableLists(depth, 2))).isFalse();
    }
}
