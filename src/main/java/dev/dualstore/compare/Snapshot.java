package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An answer's value at one moment, as a tree that later changes to the answer cannot reach: what
 * {@link DeepComparator#snapshot} returns and then compares as it would the answer itself.
 *
 * <p>Objects compared by fields and records become {@link Node}s holding their members' values
 * (read from the fields, so no getter, accessor or constructor of the answer's runs); lists,
 * sets, maps, optionals and arrays are copied, their elements snapshotted; {@code java.util.Date}
 * is copied. Everything else is kept as it is: strings, numbers, enums, {@code java.time}, and
 * objects of classes with their own {@code equals}, which are compared with it later. A lazy
 * value never loaded is kept too, unloaded, and never loaded here. An object met twice stays one
 * node, so cycles through objects stay cycles; a collection met twice is copied twice, and one
 * that holds itself directly ends in {@link Walker#CYCLE}. Members declared with a final JDK type
 * (a {@code String}, a {@code Long}, an {@code Instant}) are copied without a look. Works on an explicit stack, so a deep answer costs heap, not thread stack.
 * Not threadsafe: {@link #of} makes a new instance for every call; the tree it returns is
 * immutable and threadsafe.
 */
final class Snapshot {

    /** An object compared by fields, or a record, frozen: its type and its members' values in {@link Members} order. */
    static final class Node {
        final Class<?> type;
        final Object[] values;

        private Node(Class<?> type, int size) {
            this.type = type;
            this.values = new Object[size];
        }

        @Override
        public String toString() {
            Members members = Members.of(type);
            StringBuilder text = new StringBuilder(type.getSimpleName()).append('[');
            for (int i = 0; i < values.length; i++) {
                text.append(i == 0 ? "" : ", ").append(members.names[i]).append('=')
                        .append(values[i] instanceof Node n && n != this ? n.type.getSimpleName() + "[...]" : values[i]);
            }
            return text.append(']').toString();
        }
    }

    /** A record node with new component values, as a normaliser rebuilds it. */
    static Node rebuilt(Node record, Object[] values) {
        Node node = new Node(record.type, values.length);
        System.arraycopy(values, 0, node.values, 0, values.length);
        return node;
    }

    /** Reads a record's components from its fields; null for a record whose fields cannot be opened. */
    private static final ClassValue<Field[]> RECORD_FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            RecordComponent[] components = Records.components(type);
            Field[] fields = new Field[components.length];
            try {
                for (int i = 0; i < components.length; i++) {
                    fields[i] = type.getDeclaredField(components[i].getName());
                    if (!fields[i].trySetAccessible()) {
                        return null;
                    }
                }
            } catch (NoSuchFieldException e) {
                return null;
            }
            return fields;
        }
    };

    /** A container whose snapshot is built once its parts are: the original, its parts, and where they go. */
    private static final class Pending {
        final Object original;
        final Shape shape;
        final Object[] parts;
        int next;
        final Node node;

        Pending(Object original, Shape shape, Object[] parts, Node node) {
            this.original = original;
            this.shape = shape;
            this.parts = parts;
            this.node = node;
        }
    }

    private final IdentityHashMap<Object, Object> done = new IdentityHashMap<>(64);
    private final ArrayDeque<Pending> stack = new ArrayDeque<>();

    private Snapshot() {
    }

    /** The snapshot of {@code value}. */
    static Object of(Object value) {
        return new Snapshot().run(value);
    }

    private Object run(Object root) {
        Object result = visit(root);
        while (!stack.isEmpty()) {
            Pending top = stack.peek();
            if (top.next < top.parts.length) {
                int i = top.next++;
                if (top.parts[i] == SET) {
                    continue;
                }
                Object part = visit(top.parts[i]);
                if (part != PUSHED) {
                    top.parts[i] = part;
                } // else its snapshot lands in parts[i] once its own parts are done
                continue;
            }
            stack.pop();
            Object built = build(top);
            Pending parent = stack.peek();
            if (parent == null) {
                result = built;
            } else {
                parent.parts[parent.next - 1] = built;
            }
        }
        return result;
    }

    private static final Object PUSHED = new Object();
    /** A node's part already in place: a member whose declared type only holds leaves. */
    private static final Object SET = new Object();

    /** Per class: which members are declared with a type whose values are always kept as they are. */
    private static final ClassValue<boolean[]> LEAF_MEMBERS = new ClassValue<>() {
        @Override
        protected boolean[] computeValue(Class<?> type) {
            Class<?>[] types = Members.of(type).types;
            boolean[] leaves = new boolean[types.length];
            for (int i = 0; i < types.length; i++) {
                Class<?> t = types[i];
                leaves[i] = t.isPrimitive() || (java.lang.reflect.Modifier.isFinal(t.getModifiers()) && !t.isArray()
                        && Members.isJdk(t) && !java.util.Date.class.isAssignableFrom(t)
                        && !java.util.Collection.class.isAssignableFrom(t) && !Map.class.isAssignableFrom(t)
                        && t != Optional.class && !t.isRecord()) || t.isEnum();
            }
            return leaves;
        }
    };

    /**
     * The snapshot of {@code value} if it needs no walk, or one already made (a node may still be
     * filling: that is a cycle, and the node closes it); otherwise pushes it and answers {@link #PUSHED}.
     */
    private Object visit(Object value) {
        if (value == null || value instanceof Node) {
            return value;
        }
        Shape shape = Shape.of(value);
        if (!shape.container()) {
            // Leaves are never shared state worth tracking: kept (or, for a Date, copied) as met.
            return value instanceof java.util.Date date ? date.clone() : value;
        }
        if (shape == Shape.FIELDS || shape == Shape.RECORD) {
            Object seen = done.get(value);
            if (seen != null) {
                return seen; // shared, or a cycle that this node closes
            }
        } else {
            for (Pending p : stack) {
                if (p.original == value) {
                    return Walker.CYCLE; // a collection that holds itself, with no object between
                }
            }
        }
        Object[] parts;
        Node node = null;
        switch (shape) {
            case FIELDS, RECORD -> {
                // Field reads: no getter or accessor of the answer's runs.
                Field[] fields = shape == Shape.FIELDS ? Members.of(value.getClass()).fields() : RECORD_FIELDS.get(value.getClass());
                if (fields == null) {
                    return value; // a record whose fields are closed to dualstore: compared as it is, later
                }
                boolean[] leaves = LEAF_MEMBERS.get(value.getClass());
                parts = new Object[fields.length];
                node = new Node(value.getClass(), parts.length);
                for (int i = 0; i < fields.length; i++) {
                    Object member;
                    try {
                        member = fields[i].get(value);
                    } catch (IllegalAccessException e) {
                        return value;
                    }
                    if (leaves[i]) {
                        node.values[i] = member;
                        parts[i] = SET;
                    } else {
                        parts[i] = member;
                    }
                }
            }
            case ARRAY -> {
                if (Shape.isPrimitiveArray(value)) {
                    int length = Array.getLength(value);
                    Object copy = Array.newInstance(value.getClass().getComponentType(), length);
                    System.arraycopy(value, 0, copy, 0, length);
                    return copy;
                }
                parts = ((Object[]) value).clone();
            }
            case MAP -> {
                Map<?, ?> map = (Map<?, ?>) value;
                parts = new Object[map.size() * 2];
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (i >= parts.length) {
                        break; // changed under us by another thread: what was read so far
                    }
                    parts[i++] = e.getKey();
                    parts[i++] = e.getValue();
                }
            }
            case OPTIONAL -> parts = new Object[] {((Optional<?>) value).orElse(null)};
            default -> parts = ((Collection<?>) value).toArray();
        }
        if (node != null) {
            done.put(value, node); // before its parts: a part that refers back to it closes the cycle
        }
        stack.push(new Pending(value, shape, parts, node));
        return PUSHED;
    }

    private static Object build(Pending p) {
        Object[] parts = p.parts;
        switch (p.shape) {
            case FIELDS, RECORD -> {
                for (int i = 0; i < parts.length; i++) {
                    if (parts[i] != SET) {
                        p.node.values[i] = parts[i];
                    }
                }
                return p.node;
            }
            case ARRAY -> {
                Class<?> component = p.original.getClass().getComponentType();
                for (Object part : parts) {
                    if (part != null && !component.isInstance(part)) {
                        return parts;
                    }
                }
                Object[] typed = (Object[]) Array.newInstance(component, parts.length);
                System.arraycopy(parts, 0, typed, 0, parts.length);
                return typed;
            }
            case MAP -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < parts.length; i += 2) {
                    map.put(parts[i], parts[i + 1]);
                }
                return Collections.unmodifiableMap(map);
            }
            case OPTIONAL -> {
                return Optional.ofNullable(parts[0]);
            }
            case SET -> {
                return Collections.unmodifiableSet(new LinkedHashSet<>(java.util.Arrays.asList(parts)));
            }
            default -> {
                List<Object> list = new ArrayList<>(parts.length);
                Collections.addAll(list, parts);
                return Collections.unmodifiableList(list);
            }
        }
    }
}
