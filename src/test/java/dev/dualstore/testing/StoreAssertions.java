package dev.dualstore.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Final-state comparisons for stress tests that report the first difference and its
 * neighbourhood: a plain equality failure on thousands of elements is truncated before it.
 */
public final class StoreAssertions {
    private StoreAssertions() {}

    /** Asserts that a secondary's sequence equals the primary's, element by element. */
    public static void assertSameSequence(String what, List<?> actual, List<?> primary) {
        int n = Math.min(actual.size(), primary.size());
        int first = 0;
        while (first < n && Objects.equals(actual.get(first), primary.get(first))) {
            first++;
        }
        if (first == n && actual.size() == primary.size()) {
            return;
        }
        int from = Math.max(0, first - 3);
        throw new AssertionError(what + " differs from the primary's at index " + first + " of " + primary.size()
                + " (its size is " + actual.size() + "): " + actual.subList(from, Math.min(actual.size(), first + 6))
                + " where the primary has " + primary.subList(from, Math.min(primary.size(), first + 6)));
    }

    /**
     * Asserts that entries written as {@code "writer:sequence"} (sequence rising per writer) hold
     * each writer's entries in the order it wrote them.
     */
    public static void assertInProgramOrder(List<String> entries) {
        Map<String, Integer> last = new HashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            String writer = entry.substring(0, colon);
            int sequence = Integer.parseInt(entry.substring(colon + 1));
            Integer previous = last.put(writer, sequence);
            if (previous != null && previous >= sequence) {
                throw new AssertionError("writer " + writer + "'s entry " + sequence + " comes after its entry " + previous);
            }
        }
    }

    /** Asserts that two {@link InMemoryKeyValueStore#snapshot()}s are equal, naming the first differing entry. */
    public static void assertSameSnapshot(String what, Map<String, Object> actual, Map<String, Object> primary) {
        TreeSet<String> keys = new TreeSet<>(primary.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            Object a = actual.get(key);
            Object p = primary.get(key);
            if (a instanceof List<?> al && p instanceof List<?> pl) {
                assertSameSequence(what + " " + key, al, pl);
            } else if (!Objects.equals(a, p)) {
                throw new AssertionError(what + " " + key + " is " + a + " where the primary has " + p);
            }
        }
    }
}
