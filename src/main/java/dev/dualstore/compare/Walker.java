package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Rebuilds an answer with a function applied to every node; the engine of {@link Normalizer}. */
final class Walker {

    private Walker() {}

    /**
     * Applies {@code leaf} to {@code value}; if it leaves the value as it was, walks into its
     * parts and rebuilds it from the rewritten parts, dropping record components and map entries
     * named in {@code ignored}. Leaves the input untouched.
     */
    static Object walk(Object value, UnaryOperator<Object> leaf, Set<String> ignored) {
        if (value == null) {
            return null;
        }
        Object replaced = leaf.apply(value);
        if (replaced != value) {
            return replaced;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object e : list) {
                out.add(walk(e, leaf, ignored));
            }
            return out;
        }
        if (value instanceof Set<?> set) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object e : set) {
                out.add(walk(e, leaf, ignored));
            }
            return out;
        }
        if (value instanceof Collection<?> other) {
            // Queues and views such as Map.values(): rebuilt as a list in iteration order, which
            // is how DeepEquality compares them.
            List<Object> out = new ArrayList<>(other.size());
            for (Object e : other) {
                out.add(walk(e, leaf, ignored));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String name && ignored.contains(name))) {
                    out.put(walk(e.getKey(), leaf, ignored), walk(e.getValue(), leaf, ignored));
                }
            }
            return out;
        }
        if (value instanceof Optional<?> optional) {
            return optional.map(v -> walk(v, leaf, ignored));
        }
        if (value instanceof Object[] array) {
            // Keep the component type (a String[] stays a String[]) so a record holding the array
            // can be rebuilt; fall back to Object[] when a rewritten element no longer fits.
            Class<?> component = array.getClass().getComponentType();
            Object[] out = new Object[array.length];
            boolean fits = true;
            for (int i = 0; i < array.length; i++) {
                out[i] = walk(array[i], leaf, ignored);
                fits &= out[i] == null || component.isInstance(out[i]);
            }
            if (!fits || component == Object.class) {
                return out;
            }
            Object[] typed = (Object[]) Array.newInstance(component, array.length);
            System.arraycopy(out, 0, typed, 0, out.length);
            return typed;
        }
        if (value instanceof Record) {
            return walkRecord(value, leaf, ignored);
        }
        return value;
    }

    private static Object walkRecord(Object record, UnaryOperator<Object> leaf, Set<String> ignored) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Map<String, Object> asMap = new LinkedHashMap<>();
        boolean dropped = false;
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            values[i] = walk(Records.component(record, components[i]), leaf, ignored);
            if (ignored.contains(name)) {
                dropped = true;
            } else {
                asMap.put(name, values[i]);
            }
        }
        if (!dropped) {
            Object rebuilt = Records.rebuild(record.getClass(), values);
            if (rebuilt != null) {
                return rebuilt;
            }
        }
        // A record that lost components, or whose rewritten parts no longer fit its constructor,
        // is compared as a map of what is left, tagged with its type so two types never match.
        asMap.put("@type", record.getClass().getName());
        return asMap;
    }
}
