package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rebuilds an answer with a function applied to every node; the engine of {@link Normalizer}.
 * Leaves the input untouched. Not threadsafe: {@link #walk} makes a new instance for every call.
 *
 * <p>Works on an explicit stack, so a deep answer costs heap, not thread stack. Containers that
 * hold containers are tracked by identity and walked once: met again after it was walked, such a
 * container gives the same rebuilt value (shared parts stay shared, and sharing costs no extra
 * time); met again while it is still being walked, which is a cycle, the reference is cut and
 * {@link #CYCLE} stands in its place, so the rebuilt answer is never cyclic. Containers of leaves
 * alone are rebuilt wherever they are met: they cannot close a cycle, and are cheap. Objects
 * compared by fields and lazy values never loaded are leaves here: the function sees them, the
 * walk never enters them.
 */
final class Walker {

    /**
     * What a reference back to an enclosing container becomes in a rebuilt answer: equal only to
     * itself, so two answers compare equal after normalisation when their cycles close at the
     * same places and everything else matches.
     */
    static final Object CYCLE = new Cycle();

    /** Marks a container being walked, in {@link #walked}. */
    private static final Object IN_PROGRESS = new Object();
    /** What {@link #visit} answers when it pushed a frame: the rebuilt value comes later. */
    private static final Object PENDING = new Object();

    private final UnaryOperator<Object> leaf;
    private final Set<String> ignored;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    /** Container -> its rebuilt value, or IN_PROGRESS while it is on the stack. */
    private IdentityHashMap<Object, Object> walked;

    private Walker(UnaryOperator<Object> leaf, Set<String> ignored) {
        this.leaf = leaf;
        this.ignored = ignored;
    }

    /**
     * Applies {@code leaf} to {@code value}; if it leaves the value as it was, walks into its
     * parts and rebuilds it from the rewritten parts, dropping record components and map entries
     * named in {@code ignored}.
     */
    static Object walk(Object value, UnaryOperator<Object> leaf, Set<String> ignored) {
        return new Walker(leaf, ignored).run(value);
    }

    private Object run(Object root) {
        Object rebuilt = visit(root, null);
        if (rebuilt != PENDING) {
            return rebuilt;
        }
        while (true) {
            Frame top = stack.peek();
            if (top.hasNext()) {
                Object part = visit(top.next(), top);
                if (part != PENDING) {
                    top.accept(part);
                }
                continue;
            }
            stack.pop();
            rebuilt = top.build();
            if (top.registered) {
                walked.put(top.value, rebuilt);
            }
            if (stack.isEmpty()) {
                return rebuilt;
            }
            stack.peek().accept(rebuilt);
        }
    }

    /** The rebuilt value, or PENDING after pushing a frame for a container to walk. */
    private Object visit(Object value, Frame parent) {
        if (value == null) {
            return null;
        }
        Shape shape = Shape.of(value);
        // Objects compared by fields are rewritten as a whole or not at all: a normaliser never
        // rebuilds an entity, and never walks into one (its lazy parts stay unloaded).
        boolean container = shape.container() && shape != Shape.FIELDS && !Shape.isPrimitiveArray(value);
        if (container) {
            if (parent != null && !parent.registered) {
                // A container is tracked only once it holds a container: one of leaves alone
                // can never be met again through a cycle, and is cheap to walk again when
                // shared. Before the look-up below, so that a part that is the parent is found.
                parent.registered = true;
                if (walked == null) {
                    walked = new IdentityHashMap<>();
                }
                walked.put(parent.value, IN_PROGRESS);
            }
            Object known = walked == null ? null : walked.get(value);
            if (known == IN_PROGRESS) {
                return CYCLE;
            }
            if (known != null) {
                return known;
            }
        }
        Object replaced = leaf.apply(value);
        if (replaced != value || !container) {
            return replaced;
        }
        stack.push(new Frame(value, shape));
        return PENDING;
    }

    /** A container being walked: its parts left to visit and those rebuilt so far. */
    private final class Frame {
        final Object value;
        final Shape shape;
        boolean registered;
        private final Iterator<?> parts;
        private final String[] names;
        private final List<Object> rebuilt;
        /** For a map: the entry being handed out, key first, then value. */
        private Object entryKey;
        private Object entryValue;
        private int entryPart = 2;

        Frame(Object value, Shape shape) {
            this.value = value;
            this.shape = shape;
            this.parts = shape.parts(value);
            this.names = shape == Shape.RECORD ? shape.names(value) : null;
            // A map hands out its keys and values in turn.
            this.rebuilt = new ArrayList<>(shape == Shape.MAP ? 2 * shape.size(value) : shape.size(value));
        }

        boolean hasNext() {
            if (shape != Shape.MAP) {
                return parts.hasNext();
            }
            if (entryPart < 2) {
                return true;
            }
            while (parts.hasNext()) {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) parts.next();
                if (!(entry.getKey() instanceof String name && ignored.contains(name))) {
                    entryKey = entry.getKey();
                    entryValue = entry.getValue();
                    entryPart = 0;
                    return true;
                }
            }
            return false;
        }

        Object next() {
            if (shape != Shape.MAP) {
                return parts.next();
            }
            return entryPart++ == 0 ? entryKey : entryValue;
        }

        void accept(Object part) {
            rebuilt.add(part);
        }

        Object build() {
            return switch (shape) {
                case LIST, SEQUENCE -> rebuilt;
                case SET -> new LinkedHashSet<>(rebuilt);
                case MAP -> {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < rebuilt.size(); i += 2) {
                        map.put(rebuilt.get(i), rebuilt.get(i + 1));
                    }
                    yield map;
                }
                case OPTIONAL -> rebuilt.isEmpty() ? Optional.empty() : Optional.ofNullable(rebuilt.get(0));
                case ARRAY -> array();
                case RECORD -> record();
                case LEAF, FIELDS, UNLOADED -> value;
            };
        }

        /**
         * Keeps the component type (a String[] stays a String[]) so a record holding the array
         * can be rebuilt; falls back to Object[] when a rewritten element no longer fits.
         */
        private Object array() {
            Class<?> component = value.getClass().getComponentType();
            for (Object element : rebuilt) {
                if (element != null && !component.isInstance(element)) {
                    return rebuilt.toArray();
                }
            }
            return rebuilt.toArray((Object[]) Array.newInstance(component, rebuilt.size()));
        }

        private Object record() {
            Map<String, Object> asMap = new LinkedHashMap<>();
            boolean dropped = false;
            for (int i = 0; i < names.length; i++) {
                if (ignored.contains(names[i])) {
                    dropped = true;
                } else {
                    asMap.put(names[i], rebuilt.get(i));
                }
            }
            if (!dropped && value instanceof Snapshot.Node node) {
                return Snapshot.rebuilt(node, rebuilt.toArray()); // a snapshot stays a snapshot
            }
            if (!dropped) {
                Object record = Records.rebuild(value.getClass(), rebuilt.toArray());
                if (record != null) {
                    return record;
                }
            }
            // A record that lost components, or whose rewritten parts no longer fit its
            // constructor, is compared as a map of what is left, tagged with its type so two
            // types never match.
            asMap.put("@type", Shape.typeOf(value).getName());
            return asMap;
        }
    }

    /** The type of {@link #CYCLE}; its name shows in a diagnosis of a rebuilt answer. */
    private static final class Cycle {
        @Override
        public String toString() {
            return "(cycle)";
        }
    }
}
