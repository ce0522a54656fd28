package dev.dualstore.compare;

import java.lang.reflect.Method;

/**
 * Hibernate's lazy proxies and collections, recognised by the names of the types they implement,
 * so dualstore needs no Hibernate on its class path. Stateless and threadsafe.
 *
 * <p>An entity proxy ({@code org.hibernate.proxy.HibernateProxy}) is asked through its
 * {@code LazyInitializer} whether it is uninitialised; an initialised one stands for its
 * implementation, which is what gets compared (the proxy's own fields are never set). A
 * persistent collection ({@code org.hibernate.collection.spi.PersistentCollection}, or
 * {@code org.hibernate.collection.internal.AbstractPersistentCollection} before Hibernate 6) is
 * asked {@code wasInitialized()}. Neither question loads anything. Nothing else is ever called on
 * an unloaded value: not {@code size()}, {@code iterator()}, {@code equals}, {@code hashCode} nor
 * {@code toString}, any of which would load it, or throw {@code LazyInitializationException} on a
 * detached entity. If asking fails, the value counts as unloaded: left alone.
 */
final class Lazy {

    private static final String PROXY = "org.hibernate.proxy.HibernateProxy";
    private static final String[] COLLECTIONS = {
        "org.hibernate.collection.spi.PersistentCollection",
        "org.hibernate.collection.internal.AbstractPersistentCollection",
    };

    /** How to ask one class's instances whether they are loaded; NONE for ordinary classes. */
    private static final ClassValue<Probe> PROBES = new ClassValue<>() {
        @Override
        protected Probe computeValue(Class<?> type) {
            return Probe.of(type);
        }
    };

    private Lazy() {}

    /** Whether instances of {@code type} are lazy proxies or collections, loaded or not. */
    static boolean isLazyClass(Class<?> type) {
        return PROBES.get(type) != Probe.NONE;
    }

    /** Whether {@code value} is a lazy proxy or collection that was never loaded. */
    static boolean unloaded(Object value) {
        return value != null && PROBES.get(value.getClass()).unloaded(value);
    }

    /**
     * An initialised entity proxy's implementation; any other value, unloaded proxies included,
     * as it is.
     */
    static Object unwrap(Object value) {
        return value == null ? null : PROBES.get(value.getClass()).unwrap(value);
    }

    /** The entity class a proxy class stands for (its superclass), or the class itself. */
    static Class<?> shownClass(Class<?> type) {
        return PROBES.get(type).proxy ? type.getSuperclass() : type;
    }

    /** One class's way of telling whether its instances are loaded. */
    private static final class Probe {
        static final Probe NONE = new Probe(false, null, null, null);

        final boolean proxy;
        /** For a proxy, getHibernateLazyInitializer(); for a collection, wasInitialized(). */
        private final Method first;
        /** For a proxy: LazyInitializer.isUninitialized() and getImplementation(). */
        private final Method uninitialized;
        private final Method implementation;

        private Probe(boolean proxy, Method first, Method uninitialized, Method implementation) {
            this.proxy = proxy;
            this.first = first;
            this.uninitialized = uninitialized;
            this.implementation = implementation;
        }

        static Probe of(Class<?> type) {
            try {
                Class<?> proxyType = supertypeNamed(type, PROXY);
                if (proxyType != null) {
                    Method initializer = proxyType.getMethod("getHibernateLazyInitializer");
                    Class<?> lazyInitializer = initializer.getReturnType();
                    return new Probe(true, initializer, lazyInitializer.getMethod("isUninitialized"),
                            lazyInitializer.getMethod("getImplementation"));
                }
                for (String name : COLLECTIONS) {
                    Class<?> collectionType = supertypeNamed(type, name);
                    if (collectionType != null) {
                        return new Probe(false, collectionType.getMethod("wasInitialized"), null, null);
                    }
                }
            } catch (NoSuchMethodException | RuntimeException e) {
                // A Hibernate whose API we do not know: such values are left alone, never loaded.
                return new Probe(supertypeNamed(type, PROXY) != null, null, null, null);
            }
            return NONE;
        }

        boolean unloaded(Object value) {
            if (this == NONE) {
                return false;
            }
            if (first == null) {
                return true;
            }
            try {
                if (proxy) {
                    return (Boolean) uninitialized.invoke(first.invoke(value));
                }
                return !(Boolean) first.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return true;
            }
        }

        Object unwrap(Object value) {
            if (!proxy || unloaded(value)) {
                return value;
            }
            try {
                Object target = implementation.invoke(first.invoke(value));
                return target != null ? target : value;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return value;
            }
        }
    }

    /** The class or interface of {@code type}'s supertypes with that name, or null. */
    private static Class<?> supertypeNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return c;
            }
            Class<?> found = interfaceNamed(c, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Class<?> interfaceNamed(Class<?> type, String name) {
        for (Class<?> i : type.getInterfaces()) {
            if (i.getName().equals(name)) {
                return i;
            }
            Class<?> found = interfaceNamed(i, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
