package dev.dualstore.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * A store given as parts (a reader and a writer, say), each implementing some of the DAO
 * interface's super-interfaces. Each method goes to the one part that implements the interface
 * declaring it, chosen once at build. Immutable.
 */
public final class StoreParts {
    private final List<Object> parts;

    private StoreParts(List<Object> parts) {
        this.parts = parts;
    }

    /**
     * @throws NullPointerException     if a part is null
     * @throws IllegalArgumentException if one object is given twice
     */
    public static StoreParts of(String store, Object first, Object... more) {
        List<Object> parts = new ArrayList<>();
        parts.add(Objects.requireNonNull(first, "a part of store '" + store + "' is null"));
        for (Object part : more) {
            parts.add(Objects.requireNonNull(part, "a part of store '" + store + "' is null"));
        }
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        for (Object part : parts) {
            if (seen.put(part, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("store '" + store + "' has the part " + part.getClass().getName()
                        + " twice; give each object once");
            }
        }
        return new StoreParts(List.copyOf(parts));
    }

    List<Object> parts() {
        return parts;
    }

    /**
     * The part each store-bound method runs on, by {@link MethodPolicy#index}.
     *
     * @throws IllegalArgumentException naming the method and interface that no part, or more than
     *     one, implements, or a part that serves no method
     */
    Object[] targets(String store, Class<?> type, Collection<MethodPolicy> policies, int size) {
        Object[] targets = new Object[size];
        Map<Object, Boolean> used = new IdentityHashMap<>();
        for (MethodPolicy p : policies) {
            if (!p.runsOnStores()) {
                continue;
            }
            Object part = partFor(store, type, p.method);
            targets[p.index] = part;
            used.put(part, Boolean.TRUE);
        }
        for (Object part : parts) {
            if (!used.containsKey(part)) {
                throw new IllegalArgumentException("part " + part.getClass().getName() + " of store '" + store
                        + "' implements none of the interfaces that declare " + type.getSimpleName() + "'s methods");
            }
        }
        return targets;
    }

    private Object partFor(String store, Class<?> type, Method method) {
        Class<?> declaring = method.getDeclaringClass();
        Object found = null;
        for (Object part : parts) {
            if (declaring.isInstance(part)) {
                if (found != null) {
                    throw new IllegalArgumentException("parts " + found.getClass().getName() + " and " + part.getClass().getName()
                            + " of store '" + store + "' both implement " + declaring.getSimpleName() + " (" + method.getName()
                            + "); give each interface to one part");
                }
                found = part;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no part of store '" + store + "' (" + classes() + ") implements "
                    + declaring.getSimpleName() + ", which declares " + type.getSimpleName() + "." + method.getName()
                    + (declaring == type ? "; with parts, every method must be declared in an interface that " + type.getSimpleName()
                            + " extends" : ""));
        }
        return found;
    }

    private String classes() {
        StringJoiner names = new StringJoiner(", ");
        parts.forEach(part -> names.add(part.getClass().getSimpleName()));
        return names.toString();
    }

    @Override
    public String toString() {
        return "parts(" + classes() + ")";
    }
}
