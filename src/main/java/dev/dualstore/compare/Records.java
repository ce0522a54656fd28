package dev.dualstore.compare;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/** Reads and rebuilds records reflectively, for comparison and normalisation. Threadsafe. */
final class Records {

    // Class.getRecordComponents copies its answer on every call, and the traversals ask once per
    // record they meet; cached per class, an accessor made accessible also stays accessible.
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            return type.getRecordComponents();
        }
    };

    private static final ClassValue<String[]> NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            RecordComponent[] components = COMPONENTS.get(type);
            String[] names = new String[components.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = components[i].getName();
            }
            return names;
        }
    };

    private Records() {}

    /** The components of a record class, shared: callers must not modify the array. */
    static RecordComponent[] components(Class<?> type) {
        return COMPONENTS.get(type);
    }

    /** The component names of a record class, shared: callers must not modify the array. */
    static String[] names(Class<?> type) {
        return NAMES.get(type);
    }

    static Object component(Object record, RecordComponent component) {
        Method accessor = component.getAccessor();
        try {
            if (!accessor.canAccess(record)) {
                accessor.setAccessible(true);
            }
            return accessor.invoke(record);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("cannot read component " + component.getName() + " of "
                    + record.getClass().getName() + "; open its package to dev.dualstore", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("accessor " + component.getName() + " of "
                    + record.getClass().getName() + " threw", e.getCause());
        }
    }

    /** Builds a record of the given type from its components, or returns null when it cannot. */
    static Object rebuild(Class<?> type, Object[] values) {
        RecordComponent[] components = components(type);
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            Object v = values[i];
            if (v == null ? types[i].isPrimitive() : !wrap(types[i]).isInstance(v)) {
                return null;
            }
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            if (!canonical.canAccess(null)) {
                canonical.setAccessible(true);
            }
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Class<?> wrap(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) {
            return Integer.class;
        } else if (type == long.class) {
            return Long.class;
        } else if (type == boolean.class) {
            return Boolean.class;
        } else if (type == double.class) {
            return Double.class;
        } else if (type == float.class) {
            return Float.class;
        } else if (type == short.class) {
            return Short.class;
        } else if (type == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }
}
