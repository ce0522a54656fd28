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
 * order, {@link Optional}s and records component by component, objects of classes that do not
 * override {@code equals} (entities, say) field by field, each level compared the same way;
 * anything else by {@link Object#equals}. Map keys are compared by their own {@code equals} (and
 * hashed by their own {@code hashCode}), as the maps themselves do. {@link #hash(Object)} is
 * consistent with it. Threadsafe and stateless. {@link DeepComparator} compares the same way,
 * with options (fields to ignore, declared types).
 *
 * <p><b>Field by field.</b> An object is compared by its fields when its class is not one of the
 * JDK's, not a record, array, collection, map or {@code Optional}, and does not override
 * {@code equals}. Its fields are all instance fields of its class and superclasses, including
 * {@code transient} ones (as in AssertJ's recursive comparison), excluding static and synthetic
 * ones, read reflectively. Two such objects are compared by fields only when they are of the same
 * class (see {@link DeepComparator#comparingDeclaredTypes()} for subclasses); otherwise they
 * differ. When a field cannot be made accessible (a package of a named module that is not open
 * to {@code dev.dualstore}), objects of that class are compared with {@code equals} after all,
 * and a diagnosis says so.
 *
 * <p><b>Lazy values.</b> A Hibernate proxy or persistent collection that was never loaded is
 * recognised by reflection (no dependency on Hibernate) and never touched: not loaded, not
 * iterated, not sized, no {@code equals}, {@code hashCode} or {@code toString}. It is not
 * compared, and counts as equal to whatever the other side has there, unless that is null; in a
 * set, it matches any one element the other side has left over. So a lazy association never
 * makes a mismatch on its own; {@link DeepComparator#notCompared} lists where it was, and a
 * diagnosis lists those met before the first difference. An initialised proxy is compared as the
 * entity it stands for.
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
        return Comparison.equal(a, b, Rules.DEFAULT);
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
        return equalIgnoringOrder(a, b, Rules.DEFAULT);
    }

    static boolean equalIgnoringOrder(Object a, Object b, Rules rules) {
        if (Lazy.unloaded(a) || Lazy.unloaded(b)) {
            // Listing its elements would load it.
            return a != null && b != null;
        }
        List<Object> la = elements(a);
        List<Object> lb = elements(b);
        if (la == null || lb == null) {
            return Comparison.equal(a, b, rules);
        }
        return Comparison.equalIgnoringOrder(la, lb, rules);
    }

    /**
     * A hash of the value's structure, down to a fixed depth (deeper parts count only by their
     * size and type), so that it stays consistent with {@link #equal} on cycles.
     *
     * @param a a value, may be null
     * @return a hash code consistent with {@link #equal}
     */
    public static int hash(Object a) {
        return new StructuralHash(Rules.DEFAULT).hash(a);
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
