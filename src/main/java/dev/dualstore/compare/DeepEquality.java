package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Structural equality for store answers: arrays (of any component type) by content, lists in
 * order, sets and maps by content, other collections (queues, {@code Map.values()}) in iteration
 * order, {@link Optional}s and records component by component, each level compared the same way;
 * anything else by {@link Object#equals}. Map keys are compared by their own {@code equals}.
 * {@link #hash(Object)} is consistent with it. Threadsafe and stateless.
 */
public final class DeepEquality {

    private DeepEquality() {}

    /**
     * @param a a value, may be null
     * @param b a value, may be null
     * @return whether the two are structurally equal
     */
    public static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a.getClass().isArray() && b.getClass().isArray()) {
            return sequenceEqual(asList(a), asList(b));
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            return sequenceEqual(la, lb);
        }
        if (a instanceof Set<?> sa && b instanceof Set<?> sb) {
            return sa.size() == sb.size() && multisetDifference(sa, sb).isEmpty();
        }
        if (isOtherCollection(a) && isOtherCollection(b)) {
            // Queues, deques and views such as Map.values() have no content-based equals of their
            // own; without this two answers holding the same elements would never match.
            return sequenceEqual(new ArrayList<>((Collection<?>) a), new ArrayList<>((Collection<?>) b));
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !equal(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Optional<?> oa && b instanceof Optional<?> ob) {
            return equal(oa.orElse(null), ob.orElse(null));
        }
        if (a instanceof Record && a.getClass() == b.getClass()) {
            RecordComponent[] components = a.getClass().getRecordComponents();
            for (RecordComponent c : components) {
                if (!equal(Records.component(a, c), Records.component(b, c))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
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
        return la.size() == lb.size() && multisetDifference(la, lb).isEmpty();
    }

    /**
     * @param a a value, may be null
     * @return a hash code consistent with {@link #equal}
     */
    public static int hash(Object a) {
        if (a == null) {
            return 0;
        }
        if (a.getClass().isArray() || a instanceof List<?> || isOtherCollection(a)) {
            int h = 1;
            for (Object e : a instanceof Collection<?> c ? c : asList(a)) {
                h = 31 * h + hash(e);
            }
            return h;
        }
        if (a instanceof Set<?> s) {
            int h = 0;
            for (Object e : s) {
                h += hash(e);
            }
            return h;
        }
        if (a instanceof Map<?, ?> m) {
            int h = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                h += Objects.hashCode(e.getKey()) ^ hash(e.getValue());
            }
            return h;
        }
        if (a instanceof Optional<?> o) {
            return hash(o.orElse(null));
        }
        if (a instanceof Record) {
            int h = a.getClass().hashCode();
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                h = 31 * h + hash(Records.component(a, c));
            }
            return h;
        }
        return a.hashCode();
    }

    /** A collection that is neither a list nor a set: compared in iteration order. */
    static boolean isOtherCollection(Object value) {
        return value instanceof Collection<?> && !(value instanceof List<?>) && !(value instanceof Set<?>);
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

    static List<Object> asList(Object array) {
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

    private static boolean sequenceEqual(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<?> ia = a.iterator();
        Iterator<?> ib = b.iterator();
        while (ia.hasNext()) {
            if (!equal(ia.next(), ib.next())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Counts of each element of {@code a} minus those of {@code b}: positive where {@code a} has
     * more, negative where {@code b} has more; elements with equal counts are absent.
     */
    static Map<Deep, Integer> multisetDifference(Collection<?> a, Collection<?> b) {
        Map<Deep, Integer> counts = new HashMap<>();
        for (Object e : a) {
            counts.merge(new Deep(e), 1, Integer::sum);
        }
        for (Object e : b) {
            counts.merge(new Deep(e), -1, (x, y) -> x + y == 0 ? null : x + y);
        }
        return counts;
    }

    /** A value wrapped so that hash maps use {@link #equal} and {@link #hash}. */
    static final class Deep {
        final Object value;
        private final int hash;

        Deep(Object value) {
            this.value = value;
            this.hash = DeepEquality.hash(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Deep d && hash == d.hash && DeepEquality.equal(value, d.value);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
