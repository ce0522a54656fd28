package dev.dualstore.compare;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Pairs of containers assumed equal (being compared, or found equal), by identity; with an
 * undo log for the assumptions of a multiset's try, taken back if the try fails. Not
 * threadsafe: one per {@link Comparison}.
 */
final class AssumedPairs {
    /** Left value -> its right value, or {@link Partners} when it pairs with several. */
    private IdentityHashMap<Object, Object> pairs;
    private Object[] log = new Object[0];
    private int logged;

    boolean contains(Object a, Object b) {
        Object partner = pairs == null ? null : pairs.get(a);
        return partner == b || partner instanceof Partners p && p.rights.contains(b);
    }

    void add(Object a, Object b, boolean undoable) {
        if (pairs == null) {
            pairs = new IdentityHashMap<>();
        }
        Object partner = pairs.putIfAbsent(a, b);
        if (partner != null && partner != b) {
            Partners many;
            if (partner instanceof Partners p) {
                many = p;
            } else {
                many = new Partners();
                many.rights.add(partner);
                pairs.put(a, many);
            }
            many.rights.add(b);
        }
        if (undoable) {
            if (logged + 2 > log.length) {
                log = Arrays.copyOf(log, Math.max(16, log.length * 2));
            }
            log[logged++] = a;
            log[logged++] = b;
        }
    }

    int mark() {
        return logged;
    }

    void rollback(int mark) {
        while (logged > mark) {
            Object b = log[--logged];
            Object a = log[--logged];
            log[logged] = null;
            log[logged + 1] = null;
            Object partner = pairs.get(a);
            if (partner == b) {
                pairs.remove(a);
            } else if (partner instanceof Partners p) {
                p.rights.remove(b);
            }
        }
    }

    /** The right values one left value pairs with, by identity. */
    private static final class Partners {
        final Set<Object> rights = Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
