package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cyclic answers: every comparison ends, equal cycles are equal (co-inductively: nothing
 * reachable differs), and any difference reachable along a cycle is found. The graphs here have
 * no usable equals or hashCode of their own (both overflow the stack), so assertions compare
 * booleans and ints, never the graphs.
 */
// A separate thread, so that a timeout stops work that would never end; its stack is the default size.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeepEqualityCyclesTest {

    /** A record holding a mutable list: immutable itself, yet able to point back. */
    record Person(String name, List<Person> friends) {}

    record Box(Object content) {}

    static List<Object> selfContaining(Object other) {
        List<Object> list = new ArrayList<>();
        list.add(list);
        list.add(other);
        return list;
    }

    /** a -> b -> a through the records' friend lists. */
    static Person pair(String a, String b) {
        Person first = new Person(a, new ArrayList<>());
        Person second = new Person(b, new ArrayList<>());
        first.friends().add(second);
        second.friends().add(first);
        return first;
    }

    // ---- self-containing containers

    @Test
    void selfContainingListsAreEqualWhenTheRestIs() {
        assertThat(DeepEquality.equal(selfContaining(1), selfContaining(1))).isTrue();
        assertThat(DeepEquality.equal(selfContaining(new int[] {1}), selfContaining(new int[] {1}))).isTrue();
    }

    @Test
    void selfContainingListsDifferWhenTheRestDoes() {
        assertThat(DeepEquality.equal(selfContaining(1), selfContaining(2))).isFalse();
        assertThat(DeepEquality.equal(selfContaining(1), List.of(List.of(), 1))).isFalse();
    }

    @Test
    void aSelfContainingListEqualsItself() {
        List<Object> list = selfContaining("x");
        assertThat(DeepEquality.equal(list, list)).isTrue();
        assertThat(DeepEquality.equalIgnoringOrder(list, list)).isTrue();
    }

    @Test
    void selfContainingMapsCompareByTheirOtherValues() {
        Map<String, Object> a = new HashMap<>();
        a.put("self", a);
        a.put("n", 1);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("n", 1);
        b.put("self", b);
        Map<String, Object> c = new HashMap<>();
        c.put("self", c);
        c.put("n", 2);

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, c)).isFalse();
        assertThat(DeepEquality.equal(b, c)).isFalse();
    }

    @Test
    void selfContainingSetsCompareByTheirOtherElements() {
        // Adding a set to itself hashes it while it is still without itself: the JDK allows it.
        Set<Object> a = new HashSet<>(Set.of("x", "y"));
        a.add(a);
        Set<Object> b = new HashSet<>(Set.of("y", "x"));
        b.add(b);
        Set<Object> c = new HashSet<>(Set.of("x", "z"));
        c.add(c);

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, c)).isFalse();
        assertThat(DeepEquality.hash(a)).isEqualTo(DeepEquality.hash(b));
    }

    @Test
    void selfContainingArraysAndOptionalsEnd() {
        Object[] a = {null, "x"};
        a[0] = a;
        Object[] b = {null, "x"};
        b[0] = b;
        Object[] c = {null, "y"};
        c[0] = c;
        List<Object> holdsOptionalOfItself = new ArrayList<>();
        holdsOptionalOfItself.add(Optional.of(holdsOptionalOfItself));
        List<Object> another = new ArrayList<>();
        another.add(Optional.of(another));

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, c)).isFalse();
        assertThat(DeepEquality.equal(holdsOptionalOfItself, another)).isTrue();
        assertThat(DeepEquality.equal(holdsOptionalOfItself, List.of(Optional.empty()))).isFalse();
    }

    @Test
    void cyclesThroughOtherCollectionsEnd() {
        ArrayDeque<Object> a = new ArrayDeque<>();
        a.add("x");
        a.add(a);
        ArrayDeque<Object> b = new ArrayDeque<>();
        b.add("x");
        b.add(b);
        ArrayDeque<Object> c = new ArrayDeque<>();
        c.add("y");
        c.add(c);

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(a, c)).isFalse();
    }

    // ---- cycles through several objects

    @Test
    void mutualCyclesThroughRecordsAreEqualWhenEveryNameMatches() {
        assertThat(DeepEquality.equal(pair("a", "b"), pair("a", "b"))).isTrue();
    }

    @Test
    void mutualCyclesThroughRecordsDifferOnAnyName() {
        assertThat(DeepEquality.equal(pair("a", "b"), pair("a", "c"))).isFalse();
        assertThat(DeepEquality.equal(pair("a", "b"), pair("x", "b"))).isFalse();
    }

    @Test
    void aCycleDiffersFromTheSameNamesWithoutTheBackReference() {
        Person open = new Person("a", new ArrayList<>(List.of(new Person("b", new ArrayList<>()))));

        assertThat(DeepEquality.equal(pair("a", "b"), open)).isFalse();
        assertThat(DeepEquality.equal(open, pair("a", "b"))).isFalse();
    }

    @Test
    void cyclesOfThreeThroughListsAndRecordsEnd() {
        assertThat(DeepEquality.equal(triangle("a", "b", "c"), triangle("a", "b", "c"))).isTrue();
        assertThat(DeepEquality.equal(triangle("a", "b", "c"), triangle("a", "b", "x"))).isFalse();
    }

    /** a -> b -> c -> a, each also knowing itself. */
    static Person triangle(String a, String b, String c) {
        Person pa = new Person(a, new ArrayList<>());
        Person pb = new Person(b, new ArrayList<>());
        Person pc = new Person(c, new ArrayList<>());
        pa.friends().addAll(List.of(pb, pa));
        pb.friends().addAll(List.of(pc, pb));
        pc.friends().addAll(List.of(pa, pc));
        return pa;
    }

    @Test
    void cyclesUnrolledDifferentlyAreEqualWhenNothingReachableDiffers() {
        // a = [a] and b = [[b]] both unfold to an endless nesting of one-element lists.
        List<Object> a = new ArrayList<>();
        a.add(a);
        List<Object> b = new ArrayList<>();
        List<Object> inner = new ArrayList<>();
        b.add(inner);
        inner.add(b);

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.equal(b, a)).isTrue();
    }

    @Test
    void cyclesClosingOnDifferentValuesDiffer() {
        // x = [y, 1], y = [x, 2] against x' = [y', 1], y' = [y', 2]: x' never comes back.
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        x.addAll(List.of(y, 1));
        y.addAll(List.of(x, 2));
        List<Object> x2 = new ArrayList<>();
        List<Object> y2 = new ArrayList<>();
        x2.addAll(List.of(y2, 1));
        y2.addAll(List.of(y2, 2));

        assertThat(DeepEquality.equal(x, x2)).isFalse();
    }

    @Test
    void aCyclicAnswerNeverEqualsAnAcyclicOneOfAnotherShape() {
        assertThat(DeepEquality.equal(selfContaining(1), null)).isFalse();
        assertThat(DeepEquality.equal(selfContaining(1), Set.of(1))).isFalse();
        assertThat(DeepEquality.equal(new Box(selfContaining(1)), new Box(List.of(1)))).isFalse();
    }

    // ---- hash

    @Test
    void hashEndsOnCyclesAndAgreesWithEquality() {
        assertThat(DeepEquality.hash(selfContaining(1))).isEqualTo(DeepEquality.hash(selfContaining(1)));
        assertThat(DeepEquality.hash(pair("a", "b"))).isEqualTo(DeepEquality.hash(pair("a", "b")));
        assertThat(DeepEquality.hash(triangle("a", "b", "c"))).isEqualTo(DeepEquality.hash(triangle("a", "b", "c")));

        Map<String, Object> a = new HashMap<>();
        a.put("self", a);
        Map<String, Object> b = new HashMap<>();
        b.put("self", b);
        assertThat(DeepEquality.hash(a)).isEqualTo(DeepEquality.hash(b));
    }

    @Test
    void hashAgreesWithEqualityOnCyclesUnrolledDifferently() {
        // Skipping what is already on the path would hash one level of a against two of b.
        List<Object> a = new ArrayList<>();
        a.add(a);
        a.add("x");
        List<Object> b = new ArrayList<>();
        List<Object> inner = new ArrayList<>();
        b.add(inner);
        b.add("x");
        inner.add(b);
        inner.add("x");

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.hash(a)).isEqualTo(DeepEquality.hash(b));
    }

    @Test
    void hashStillTellsCyclesWithOtherContentApart() {
        // Not required, but a hash blind to content would make multisets of cyclic rows slow.
        assertThat(DeepEquality.hash(pair("a", "b"))).isNotEqualTo(DeepEquality.hash(pair("a", "c")));
        assertThat(DeepEquality.hash(selfContaining(1))).isNotEqualTo(DeepEquality.hash(selfContaining(2)));
    }

    // ---- multisets

    @Test
    void unorderedComparisonMatchesCyclicElements() {
        List<Person> primary = List.of(pair("a", "b"), pair("c", "d"), pair("a", "b"));
        List<Person> secondary = List.of(pair("c", "d"), pair("a", "b"), pair("a", "b"));

        assertThat(DeepEquality.equalIgnoringOrder(primary, secondary)).isTrue();
        assertThat(DeepEquality.equalIgnoringOrder(primary, List.of(pair("c", "d"), pair("a", "b"), pair("c", "d"))))
                .isFalse();
        assertThat(DeepEquality.equalIgnoringOrder(primary, List.of(pair("c", "d"), pair("a", "b"), pair("a", "x"))))
                .isFalse();
    }

    @Test
    void unorderedComparisonMatchesCyclesUnrolledDifferently() {
        List<Object> a = new ArrayList<>();
        a.add(a);
        List<Object> b = new ArrayList<>();
        List<Object> inner = new ArrayList<>();
        b.add(inner);
        inner.add(b);

        assertThat(DeepEquality.equalIgnoringOrder(List.of("x", a), List.of(b, "x"))).isTrue();
    }

    @Test
    void setsOfCyclicElementsCompareByContent() {
        // Sets hash elements on insertion; identity-based sets hold cyclic records safely.
        Set<Object> primary = identitySet(pair("a", "b"), pair("c", "d"));
        Set<Object> secondary = identitySet(pair("c", "d"), pair("a", "b"));
        Set<Object> other = identitySet(pair("c", "d"), pair("a", "x"));

        assertThat(DeepEquality.equal(primary, secondary)).isTrue();
        assertThat(DeepEquality.equal(primary, other)).isFalse();
        assertThat(DeepEquality.hash(primary)).isEqualTo(DeepEquality.hash(secondary));
    }

    @Test
    void setsThatContainEachOtherEnd() {
        // s = {t, 1}, t = {s, 1} against u = {u, 1}: both unfold to the same endless nesting.
        Set<Object> s = identitySet(1);
        Set<Object> t = identitySet(1);
        s.add(t);
        t.add(s);
        Set<Object> u = identitySet(1);
        u.add(u);
        Set<Object> v = identitySet(2);
        v.add(v);

        assertThat(DeepEquality.equal(s, u)).isTrue();
        assertThat(DeepEquality.equal(s, v)).isFalse();
        assertThat(DeepEquality.hash(s)).isEqualTo(DeepEquality.hash(u));
    }

    static Set<Object> identitySet(Object... elements) {
        Set<Object> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(Arrays.asList(elements));
        return set;
    }

    // ---- sharing

    @Test
    void sharedPartsAreComparedInLinearTime() {
        // Each level holds the one below twice: 2^64 paths, 64 distinct lists.
        assertThat(DeepEquality.equal(diamonds(64, "end"), diamonds(64, "end"))).isTrue();
        assertThat(DeepEquality.equal(diamonds(64, "end"), diamonds(64, "other"))).isFalse();
        assertThat(DeepEquality.hash(diamonds(64, "end"))).isEqualTo(DeepEquality.hash(diamonds(64, "end")));
        assertThat(DeepEquality.equalIgnoringOrder(
                List.of(diamonds(64, "a"), diamonds(64, "b")), List.of(diamonds(64, "b"), diamonds(64, "a")))).isTrue();
    }

    @Test
    void denselyConnectedCyclesAreComparedInPolynomialTime() {
        assertThat(DeepEquality.equal(clique(12, 0), clique(12, 0))).isTrue();
        assertThat(DeepEquality.equal(clique(12, 0), clique(12, 1))).isFalse();
        assertThat(DeepEquality.hash(clique(12, 0))).isEqualTo(DeepEquality.hash(clique(12, 0)));
    }

    static List<Object> diamonds(int levels, Object end) {
        List<Object> level = List.of(end);
        for (int i = 0; i < levels; i++) {
            level = List.of(level, level);
        }
        return level;
    }

    /** n lists, each holding every list and, last, its own number (plus {@code shift} for the last). */
    static List<Object> clique(int n, int shift) {
        List<List<Object>> lists = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            lists.get(i).addAll(lists);
            lists.get(i).add(i == n - 1 ? i + shift : i);
        }
        return lists.get(0);
    }
}
