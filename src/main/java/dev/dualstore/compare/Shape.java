package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * What the comparison layer sees in a value: a leaf, compared with its own {@code equals}, or a
 * container whose parts are compared in turn. This is the one place that decides which values
 * are containers and what their parts are; {@link Comparison}, {@link StructuralHash},
 * {@link Walker} and {@link Diagnosis} all split values through it. Stateless and threadsafe.
 *
 * <p>Objects of classes that do not override {@code equals} have the shape {@link #FIELDS} (see
 * {@link Members} for which classes, and which fields). Hibernate's lazy proxies and collections
 * that were never loaded have the shape {@link #UNLOADED} (see {@link Lazy}): nothing is asked of
 * them. The shape of a class is worked out once, in a {@link ClassValue}.
 */
enum Shape {
    /** Compared with its own {@code equals}; no parts. Null is a leaf too. */
    LEAF,
    /** Any array: parts in index order, primitives boxed. */
    ARRAY,
    /** Parts in order. */
    LIST,
    /** Parts in any order. */
    SET,
    /** A collection that is neither a list nor a set (queues, {@code Map.values()}): parts in iteration order. */
    SEQUENCE,
    /** Parts are the entries; values are compared key by key, keys by their own {@code equals}. */
    MAP,
    /** No part when empty, else its content. */
    OPTIONAL,
    /** Parts are the component values, named, in declaration order. */
    RECORD,
    /**
     * An object of a class that does not override {@code equals}: parts are its fields' values,
     * named; which fields depends on the pair compared (see {@link Rules#comparedClass}).
     */
    FIELDS,
    /** A lazy proxy or collection never loaded: no parts, and nothing may be asked of it. */
    UNLOADED;

    /**
     * A class's shape; whether its instances may be lazy values (asked per instance); whether it
     * can never be a lazy proxy's class nor stand for one (final, an enum, or the JDK's).
     */
    private record Classified(Shape shape, boolean lazy, boolean plain) {}

    private static final ClassValue<Classified> OF_CLASS = new ClassValue<>() {
        @Override
        protected Classified computeValue(Class<?> type) {
            boolean plain = Modifier.isFinal(type.getModifiers()) || Enum.class.isAssignableFrom(type) || Members.isJdk(type);
            return new Classified(classify(type), Lazy.isLazyClass(type), plain);
        }
    };

    private static final String[] OPTIONAL_NAME = {"get()"};

    /**
     * The shape of {@code value}. An initialised entity proxy is a leaf here: callers compare
     * {@link Lazy#unwrap its implementation} instead.
     */
    static Shape of(Object value) {
        if (value == null) {
            return LEAF;
        }
        if (value instanceof Snapshot.Node node) {
            return OF_CLASS.get(node.type).shape;
        }
        Classified classified = OF_CLASS.get(value.getClass());
        return classified.lazy && Lazy.unloaded(value) ? UNLOADED : classified.shape;
    }

    /** The class {@code value} stands for: a snapshot node's type, else its own class. */
    static Class<?> typeOf(Object value) {
        return value instanceof Snapshot.Node node ? node.type : value.getClass();
    }

    private static Shape classify(Class<?> type) {
        if (type.isArray()) {
            return ARRAY;
        }
        if (Collection.class.isAssignableFrom(type)) {
            return List.class.isAssignableFrom(type) ? LIST : Set.class.isAssignableFrom(type) ? SET : SEQUENCE;
        }
        if (Map.class.isAssignableFrom(type)) {
            return MAP;
        }
        if (type == Optional.class) {
            return OPTIONAL;
        }
        if (Record.class.isAssignableFrom(type)) {
            return RECORD;
        }
        return Members.of(type).byFields() ? FIELDS : LEAF;
    }

    /**
     * Whether {@code value} is of a class no lazy proxy can be an instance of nor stand for (a
     * final class, an enum, a JDK class): its own hash code is safe to use in place of a
     * structural one. Null is plain.
     */
    static boolean isPlain(Object value) {
        return value == null || OF_CLASS.get(typeOf(value)).plain;
    }

    /** Whether values of this shape have parts to walk into: containers, records and objects compared by fields. */
    boolean container() {
        return this != LEAF && this != UNLOADED;
    }

    /**
     * Whether two values of this shape are compared part by part; if not, by the first one's
     * {@code equals}. Records only within one class: a record of another class never matches.
     */
    boolean partwise(Object a, Object b) {
        return switch (this) {
            case LEAF, UNLOADED, FIELDS -> false;
            case RECORD -> typeOf(a) == typeOf(b);
            default -> true;
        };
    }

    /** Whether parts are compared pairwise in order (as opposed to by key or as a multiset). */
    boolean ordered() {
        return this != LEAF && this != UNLOADED && this != SET && this != MAP;
    }

    /** The number of parts of {@code value}, which has this shape. */
    int size(Object value) {
        return switch (this) {
            case LEAF, UNLOADED, FIELDS -> 0;
            case ARRAY -> Array.getLength(value);
            case LIST, SET, SEQUENCE -> ((Collection<?>) value).size();
            case MAP -> ((Map<?, ?>) value).size();
            case OPTIONAL -> ((Optional<?>) value).isPresent() ? 1 : 0;
            case RECORD -> Records.components(typeOf(value)).length;
        };
    }

    /**
     * The parts of {@code value}, which has this shape: elements, {@link Map.Entry entries} for a
     * map, component values for a record. Read lazily, so a part is read only when reached.
     */
    Iterator<?> parts(Object value) {
        return switch (this) {
            case LEAF, UNLOADED, FIELDS -> Collections.emptyIterator();
            case ARRAY -> value instanceof Object[] objects ? Arrays.asList(objects).iterator() : new Indexed(value, -1);
            case LIST, SET, SEQUENCE -> ((Collection<?>) value).iterator();
            case MAP -> ((Map<?, ?>) value).entrySet().iterator();
            case OPTIONAL -> ((Optional<?>) value).stream().iterator();
            case RECORD -> value instanceof Snapshot.Node node ? Arrays.asList(node.values).iterator()
                    : new Indexed(value, Records.components(value.getClass()).length);
        };
    }

    /**
     * The names of the parts of {@code value} for paths in diagnoses ({@code owner} in
     * {@code [0].owner}), or null when parts are known by position or key.
     */
    String[] names(Object value) {
        return switch (this) {
            case RECORD -> Records.names(typeOf(value));
            case OPTIONAL -> OPTIONAL_NAME;
            default -> null;
        };
    }

    /** An array of a primitive component type: its parts can never be containers. */
    static boolean isPrimitiveArray(Object value) {
        return value != null && value.getClass().isArray() && value.getClass().getComponentType().isPrimitive();
    }

    /** Parts read by index: elements of a primitive array, boxed, or record components. */
    private static final class Indexed implements Iterator<Object> {
        private final Object value;
        private final int size;
        private int next;

        /** @param size the number of record components, or -1 for an array */
        Indexed(Object value, int size) {
            this.value = value;
            this.size = size < 0 ? Array.getLength(value) : size;
        }

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Object next() {
            if (next >= size) {
                throw new NoSuchElementException();
            }
            int i = next++;
            if (value.getClass().isArray()) {
                return Array.get(value, i);
            }
            RecordComponent[] components = Records.components(value.getClass());
            return Records.component(value, components[i]);
        }
    }
}
