package dev.dualstore;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The default {@link Weigher}: a shallow size estimate that samples the first element of containers. Stateless. */
final class SizeEstimate {
    static final Weigher WEIGHER = (method, arguments, answer) -> {
        long bytes = of(answer, 0);
        if (arguments != null) {
            for (Object a : arguments) {
                bytes += of(a, 0);
            }
        }
        return bytes;
    };

    private static final int MAX_DEPTH = 3;
    private static final long OBJECT = 64;
    private static final long REFERENCE = 8;

    private SizeEstimate() {}

    static long of(Object value, int depth) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String text) {
            return 40 + text.length(); // the common case first: a final class, one type check
        }
        if (value instanceof CharSequence text) {
            return 40 + text.length();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Character || value instanceof Enum<?>) {
            return 16;
        }
        if (depth >= MAX_DEPTH) {
            return OBJECT;
        }
        if (value instanceof Collection<?> c) {
            int size = c.size();
            Object first = size == 0 ? null : c instanceof List<?> l ? l.get(0) : firstOf(c.iterator());
            return 48 + size * (REFERENCE + 16 + of(first, depth + 1));
        }
        if (value instanceof Map<?, ?> m) {
            int size = m.size();
            if (size == 0) {
                return 48;
            }
            Map.Entry<?, ?> first = firstOf(m.entrySet().iterator());
            long entry = 48 + (first == null ? 0 : of(first.getKey(), depth + 1) + of(first.getValue(), depth + 1));
            return 64 + size * entry;
        }
        if (value instanceof Optional<?> o) {
            return 16 + of(o.orElse(null), depth + 1);
        }
        if (value instanceof Object[] array) {
            return 16 + array.length * (REFERENCE + of(array.length == 0 ? null : array[0], depth + 1));
        }
        if (value.getClass().isArray()) {
            return 16 + (long) java.lang.reflect.Array.getLength(value) * primitiveSize(value.getClass().getComponentType());
        }
        return OBJECT;
    }

    private static <E> E firstOf(Iterator<E> it) {
        try {
            return it.hasNext() ? it.next() : null;
        } catch (RuntimeException e) {
            return null; // a lazy collection that cannot be read here weighs as empty
        }
    }

    private static int primitiveSize(Class<?> type) {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        return type == short.class || type == char.class ? 2 : 1;
    }
}
