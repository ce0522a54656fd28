package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Structural equality for store answers: arrays (of any component type) by content, lists in
 * order, sets and maps by content, other collections (queues, {@code Map.values()}) in iteration
 * order, {@link Optional}s and records component by component, each level compared the same way;
 * anything else by {@link Object#equals}. Map keys are compared by their own {@code equals} (and
 * hashed by their own {@code hashCode}), as the maps themselves do. {@link #hash(Object)} is
 * consistent with it. Threadsafe and stateless.
 *
 * <p>Answers may be cyclic (a list that contains itself, records holding mutable lists that point
 * back) and deep (a chain of records 50,000 links long): every method here terminates on cycles
 * and works on an explicit stack, so depth costs heap, never thread stack, and time grows
 * linearly with the size of the answer. Comparison is co-inductive, as in AssertJ's recursive
 * comparison: a pair of containers met again while it is being compared counts as equal, so two
 * cycles are equal when nothing reachable along them differs. Pairs are tracked by identity,
 * never by the values' own {@code equals} or {@code hashCode}.
 */
public final class DeepEquality {

    private DeepEquality() {}

    /**
     * @param a a value, may be null
     * @param b a value, may be null
     * @return whether the two are structurally equal
     */
    public static boolean equal(Object a, Object b) {
        return Comparison.equal(a, b);
    }

    /**
     * Compares two collections or arrays as multisets: the same elements, each as often, in any
     * order (elements compared with {@link #equal}). Other values are compared with {@link #equal}.
     *
     * @param a a value, may be null
     * @param b a value, may be null
     * @return whether the two hold the same elements
     */
    public static boolean equalIgnoringOrder(Object a, Object b) {
        List<Object> la = elements(a);
        List<Object> lb = elements(b);
        if (la == null || lb == null) {
            return equal(a, b);
        }
        return Comparison.equalIgnoringOrder(la, lb);
    }

    /**
     * A hash of the value's structure, down to a fixed depth (deeper parts count only by their
     * size and type), so that it stays consistent with {@link #equal} on cycles.
     *
     * @param a a value, may be null
     * @return a hash code consistent with {@link #equal}
     */
    public static int hash(Object a) {
        return new StructuralHash().hash(a);
    }

    /**
     * The elements of a collection or an array as a list (arrays of primitives boxed), or null
     * when the value is neither.
     */
    static List<Object> elements(Object value) {
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (value != null && value.getClass().isArray()) {
            return asList(value);
        }
        return null;
    }

    private static List<Object> asList(Object array) {
        if (array instanceof Object[] objects) {
            return Arrays.asList(objects);
        }
        int length = Array.getLength(array);
        List<Object> list = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            list.add(Array.get(array, i));
        }
        return list;
    }
}
