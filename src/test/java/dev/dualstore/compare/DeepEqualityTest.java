package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeepEqualityTest {

    record Blob(String id, byte[] data) {}

    record Page(String cursor, int[] ids, List<Blob> blobs) {}

    record Point(int x, int y) {}

    record OtherPoint(int x, int y) {}

    record Holder(Object value) {}

    // ---- arrays

    @Test
    void primitiveArraysCompareByContent() {
        assertThat(DeepEquality.equal(new int[] {1, 2, 3}, new int[] {1, 2, 3})).isTrue();
        assertThat(DeepEquality.equal(new long[] {1L, 2L}, new long[] {1L, 2L})).isTrue();
        assertThat(DeepEquality.equal(new double[] {1.5, Double.NaN}, new double[] {1.5, Double.NaN})).isTrue();
        assertThat(DeepEquality.equal(new boolean[] {true, false}, new boolean[] {true, false})).isTrue();
        assertThat(DeepEquality.equal(new char[] {'a', 'b'}, new char[] {'a', 'b'})).isTrue();
        assertThat(DeepEquality.equal(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
        assertThat(DeepEquality.equal(new short[] {}, new short[] {})).isTrue();
        assertThat(DeepEquality.equal(new float[] {0.5f}, new float[] {0.5f})).isTrue();
    }

    @Test
    void primitiveArraysWithOtherContentDiffer() {
        assertThat(DeepEquality.equal(new int[] {1, 2, 3}, new int[] {1, 3, 2})).isFalse();
        assertThat(DeepEquality.equal(new int[] {1, 2, 3}, new int[] {1, 2})).isFalse();
        assertThat(DeepEquality.equal(new byte[] {1}, new byte[] {2})).isFalse();
        assertThat(DeepEquality.equal(new double[] {0.0}, new double[] {-0.0})).isFalse();
    }

    @Test
    void primitiveArraysOfDifferentComponentTypesDiffer() {
        assertThat(DeepEquality.equal(new int[] {1, 2}, new long[] {1L, 2L})).isFalse();
        assertThat(DeepEquality.equal(new byte[] {1}, new int[] {1})).isFalse();
    }

    @Test
    void objectArraysCompareByContentAtEveryLevel() {
        String[][] a = {{"a", "b"}, {"c"}};
        String[][] b = {{"a", "b"}, {"c"}};
        assertThat(a).isNotSameAs(b);
        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, new String[][] {{"a", "b"}, {"d"}})).isFalse();
        assertThat(DeepEquality.equal(new Object[] {new int[] {1}, null}, new Object[] {new int[] {1}, null})).isTrue();
        assertThat(DeepEquality.equal(new Object[] {new int[] {1}}, new Object[] {new int[] {2}})).isFalse();
    }

    @Test
    void arraysAndListsWithTheSameElementsDiffer() {
        assertThat(DeepEquality.equal(new String[] {"a"}, List.of("a"))).isFalse();
        assertThat(DeepEquality.equal(List.of("a"), new String[] {"a"})).isFalse();
    }

    // ---- records

    @Test
    void recordArrayComponentsCompareByContentNotReference() {
        Blob a = new Blob("k", new byte[] {1, 2, 3});
        Blob b = new Blob("k", new byte[] {1, 2, 3});

        // The record's own equals compares the arrays by reference; that is what we must not do.
        assertThat(a).isNotEqualTo(b);
        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, new Blob("k", new byte[] {1, 2, 4}))).isFalse();
        assertThat(DeepEquality.equal(a, new Blob("j", new byte[] {1, 2, 3}))).isFalse();
    }

    @Test
    void arraysNestedInRecordsInListsCompareByContent() {
        Page a = new Page("c1", new int[] {7, 8}, List.of(new Blob("x", new byte[] {9})));
        Page b = new Page("c1", new int[] {7, 8}, new ArrayList<>(List.of(new Blob("x", new byte[] {9}))));
        assertThat(a).isNotEqualTo(b);
        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, new Page("c1", new int[] {7, 8}, List.of(new Blob("x", new byte[] {0})))))
                .isFalse();
        assertThat(DeepEquality.equal(new Holder(new Holder(new long[] {1})), new Holder(new Holder(new long[] {1}))))
                .isTrue();
    }

    @Test
    void recordsOfDifferentTypesWithTheSameComponentsDiffer() {
        assertThat(DeepEquality.equal(new Point(1, 2), new OtherPoint(1, 2))).isFalse();
        assertThat(DeepEquality.equal(new Point(1, 2), new Point(1, 2))).isTrue();
        assertThat(DeepEquality.equal(new Point(1, 2), new Point(2, 1))).isFalse();
    }

    @Test
    void recordNullComponentsCompare() {
        assertThat(DeepEquality.equal(new Blob(null, null), new Blob(null, null))).isTrue();
        assertThat(DeepEquality.equal(new Blob("a", null), new Blob("a", new byte[0]))).isFalse();
    }

    // ---- lists

    @Test
    void listsOfDifferentImplementationsWithTheSameElementsAreEqual() {
        List<String> arrayList = new ArrayList<>(List.of("a", "b", "c"));
        List<List<String>> others = List.of(
                List.of("a", "b", "c"),
                new LinkedList<>(List.of("a", "b", "c")),
                Arrays.asList("a", "b", "c"),
                Collections.unmodifiableList(arrayList),
                new CopyOnWriteArrayList<>(List.of("a", "b", "c")),
                Stream.of("a", "b", "c").toList());
        for (List<String> other : others) {
            assertThat(DeepEquality.equal(arrayList, other)).as(other.getClass().getName()).isTrue();
            assertThat(DeepEquality.equal(other, arrayList)).as(other.getClass().getName()).isTrue();
        }
    }

    @Test
    void listsCompareInOrder() {
        assertThat(DeepEquality.equal(List.of("a", "b"), List.of("b", "a"))).isFalse();
        assertThat(DeepEquality.equal(List.of("a", "b"), List.of("a", "b", "b"))).isFalse();
        assertThat(DeepEquality.equal(List.of(), new ArrayList<>())).isTrue();
    }

    @Test
    void listsCompareTheirElementsDeeply() {
        assertThat(DeepEquality.equal(List.of(new int[] {1}, new int[] {2}), List.of(new int[] {1}, new int[] {2})))
                .isTrue();
        assertThat(DeepEquality.equal(Arrays.asList("a", null), Arrays.asList("a", null))).isTrue();
        assertThat(DeepEquality.equal(Arrays.asList("a", null), Arrays.asList(null, "a"))).isFalse();
    }

    @Test
    void listsAndSetsWithTheSameElementsDiffer() {
        assertThat(DeepEquality.equal(List.of("a"), Set.of("a"))).isFalse();
        assertThat(DeepEquality.equal(Set.of("a"), List.of("a"))).isFalse();
    }

    @Test
    void otherCollectionsCompareByContentInIterationOrder() {
        Map<String, Integer> first = new LinkedHashMap<>();
        first.put("a", 1);
        first.put("b", 2);
        Map<String, Integer> second = new LinkedHashMap<>(first);

        assertThat(DeepEquality.equal(first.values(), second.values())).isTrue();
        assertThat(DeepEquality.equal(new ArrayDeque<>(List.of(1, 2)), new ArrayDeque<>(List.of(1, 2)))).isTrue();
        assertThat(DeepEquality.equal(new ArrayDeque<>(List.of(1, 2)), new ArrayDeque<>(List.of(2, 1)))).isFalse();
    }

    // ---- sets

    @Test
    void setsCompareByContentAcrossImplementations() {
        Set<String> hash = new HashSet<>(List.of("x", "y", "z"));
        for (Set<String> other : List.<Set<String>>of(
                Set.of("z", "y", "x"), new TreeSet<>(hash), new LinkedHashSet<>(List.of("z", "x", "y")))) {
            assertThat(DeepEquality.equal(hash, other)).as(other.getClass().getName()).isTrue();
        }
        assertThat(DeepEquality.equal(hash, Set.of("x", "y"))).isFalse();
        assertThat(DeepEquality.equal(hash, Set.of("x", "y", "w"))).isFalse();
    }

    @Test
    void setsCompareTheirElementsDeeply() {
        Set<Object> a = new HashSet<>();
        a.add(new Blob("a", new byte[] {1}));
        a.add(new Blob("b", new byte[] {2}));
        Set<Object> b = new LinkedHashSet<>();
        b.add(new Blob("b", new byte[] {2}));
        b.add(new Blob("a", new byte[] {1}));
        assertThat(DeepEquality.equal(a, b)).isTrue();

        Set<Object> c = new HashSet<>();
        c.add(new Blob("a", new byte[] {1}));
        c.add(new Blob("b", new byte[] {3}));
        assertThat(DeepEquality.equal(a, c)).isFalse();
    }

    // ---- maps

    @Test
    void mapsCompareByKeysAndDeepValuesAcrossImplementations() {
        Map<String, Object> hash = new HashMap<>();
        hash.put("a", new int[] {1, 2});
        hash.put("b", List.of(new Blob("x", new byte[] {3})));
        Map<String, Object> tree = new TreeMap<>();
        tree.put("b", List.of(new Blob("x", new byte[] {3})));
        tree.put("a", new int[] {1, 2});
        assertThat(DeepEquality.equal(hash, tree)).isTrue();

        tree.put("a", new int[] {2, 1});
        assertThat(DeepEquality.equal(hash, tree)).isFalse();
    }

    @Test
    void mapsWithOtherKeysDiffer() {
        assertThat(DeepEquality.equal(Map.of("a", 1), Map.of("b", 1))).isFalse();
        assertThat(DeepEquality.equal(Map.of("a", 1), Map.of("a", 1, "b", 2))).isFalse();
        assertThat(DeepEquality.equal(Map.of("a", 1, "b", 2), Map.of("a", 1))).isFalse();
    }

    @Test
    void mapsTellANullValueFromAnAbsentKey() {
        Map<String, Object> nullA = new HashMap<>();
        nullA.put("a", null);
        Map<String, Object> nullB = new HashMap<>();
        nullB.put("b", null);
        Map<String, Object> nullAToo = new HashMap<>();
        nullAToo.put("a", null);
        assertThat(DeepEquality.equal(nullA, nullB)).isFalse();
        assertThat(DeepEquality.equal(nullA, nullAToo)).isTrue();
    }

    // ---- Optional

    @Test
    void optionalsCompareTheirContentsDeeply() {
        assertThat(DeepEquality.equal(Optional.of(new int[] {1}), Optional.of(new int[] {1}))).isTrue();
        assertThat(DeepEquality.equal(Optional.of(new int[] {1}), Optional.of(new int[] {2}))).isFalse();
        assertThat(DeepEquality.equal(Optional.empty(), Optional.empty())).isTrue();
        assertThat(DeepEquality.equal(Optional.empty(), Optional.of("a"))).isFalse();
        assertThat(DeepEquality.equal(Optional.of("a"), Optional.empty())).isFalse();
    }

    @Test
    void anOptionalNeverEqualsItsContentOrNull() {
        assertThat(DeepEquality.equal(Optional.of("a"), "a")).isFalse();
        assertThat(DeepEquality.equal("a", Optional.of("a"))).isFalse();
        assertThat(DeepEquality.equal(Optional.empty(), null)).isFalse();
        assertThat(DeepEquality.equal(null, Optional.empty())).isFalse();
    }

    // ---- null and scalars

    @Test
    void nullEqualsOnlyNull() {
        assertThat(DeepEquality.equal(null, null)).isTrue();
        assertThat(DeepEquality.equal(null, "a")).isFalse();
        assertThat(DeepEquality.equal("a", null)).isFalse();
        assertThat(DeepEquality.equal(null, List.of())).isFalse();
        assertThat(DeepEquality.equal(new int[0], null)).isFalse();
    }

    @Test
    void otherValuesCompareWithTheirOwnEquals() {
        assertThat(DeepEquality.equal("a", new String("a"))).isTrue();
        assertThat(DeepEquality.equal(1, 1L)).isFalse();
        // BigDecimal.equals counts the scale; a normaliser is the place to ignore it.
        assertThat(DeepEquality.equal(new BigDecimal("1.0"), new BigDecimal("1.00"))).isFalse();
        assertThat(DeepEquality.equal(new BigDecimal("1.0"), new BigDecimal("1.0"))).isTrue();
    }

    // ---- hash

    static Stream<Arguments> equalPairs() {
        Map<String, Object> hash = new HashMap<>();
        hash.put("a", new int[] {1});
        hash.put("b", null);
        Map<String, Object> tree = new TreeMap<>();
        tree.put("b", null);
        tree.put("a", new int[] {1});
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("a", 1);
        return Stream.of(
                Arguments.of(new int[] {1, 2}, new int[] {1, 2}),
                Arguments.of(new String[][] {{"a"}}, new String[][] {{"a"}}),
                Arguments.of(new Blob("k", new byte[] {1}), new Blob("k", new byte[] {1})),
                Arguments.of(List.of("a", "b"), new LinkedList<>(List.of("a", "b"))),
                Arguments.of(Arrays.asList(null, new int[] {3}), new ArrayList<>(Arrays.asList(null, new int[] {3}))),
                Arguments.of(Set.of(List.of(1), List.of(2)), new HashSet<>(List.of(List.of(2), List.of(1)))),
                Arguments.of(hash, tree),
                Arguments.of(Optional.of(new long[] {5}), Optional.of(new long[] {5})),
                Arguments.of(Optional.empty(), Optional.empty()),
                Arguments.of(new Page("c", new int[] {1}, List.of()), new Page("c", new int[] {1}, new ArrayList<>())),
                Arguments.of(values.values(), new LinkedHashMap<>(values).values()),
                Arguments.of(null, null));
    }

    @ParameterizedTest
    @MethodSource("equalPairs")
    void hashIsConsistentWithEquality(Object a, Object b) {
        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(b, a)).isTrue();
        assertThat(DeepEquality.hash(a)).isEqualTo(DeepEquality.hash(b));
    }

    @Test
    void hashOfNullIsZero() {
        assertThat(DeepEquality.hash(null)).isZero();
    }

    @Test
    void hashTellsCommonDifferencesApart() {
        // Not required by the contract, but a hash that ignores content would make multisets slow.
        assertThat(DeepEquality.hash(new int[] {1, 2})).isNotEqualTo(DeepEquality.hash(new int[] {2, 1}));
        assertThat(DeepEquality.hash(new Blob("a", new byte[] {1})))
                .isNotEqualTo(DeepEquality.hash(new Blob("a", new byte[] {2})));
    }

    // ---- multisets

    @Test
    void equalIgnoringOrderCountsDuplicates() {
        assertThat(DeepEquality.equalIgnoringOrder(List.of("a", "a", "b"), List.of("a", "b", "b"))).isFalse();
        assertThat(DeepEquality.equalIgnoringOrder(List.of("a", "a", "b"), List.of("b", "a", "a"))).isTrue();
        assertThat(DeepEquality.equalIgnoringOrder(List.of("a", "b"), List.of("a", "b", "b"))).isFalse();
    }

    @Test
    void equalIgnoringOrderComparesElementsDeeply() {
        assertThat(DeepEquality.equalIgnoringOrder(
                List.of(new int[] {1}, new int[] {2}, new int[] {1}),
                List.of(new int[] {1}, new int[] {1}, new int[] {2}))).isTrue();
        assertThat(DeepEquality.equalIgnoringOrder(
                List.of(new int[] {1}, new int[] {2}, new int[] {1}),
                List.of(new int[] {2}, new int[] {2}, new int[] {1}))).isFalse();
    }
}
