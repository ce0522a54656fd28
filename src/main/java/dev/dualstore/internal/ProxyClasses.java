package dev.dualstore.internal;

import dev.dualstore.internal.ProxyClassBytes.Forward;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles.Lookup;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Generates proxy classes: hidden classes that implement an interface by passing each call to an
 * {@link InvocationHandler}, as {@link java.lang.reflect.Proxy} does, with two differences. What
 * the handler throws reaches the caller as it is, never wrapped in an
 * {@code UndeclaredThrowableException}, whatever the method declares. And an interface that
 * dualstore cannot implement on the module path is refused here, with the line of module-info.java
 * that fixes it, rather than failing at the first call.
 *
 * <p>The class is defined in the interface's own package when that package is open to dualstore
 * (always on the class path), else in dualstore's package when the interface is public and
 * exported to dualstore (see {@link ProxyPackages}). A proxy runs its handler on the thread that
 * called it. Stateless and threadsafe.
 */
public final class ProxyClasses {
    private static final List<Method> OBJECT_METHODS = objectMethods();

    private ProxyClasses() {}

    /**
     * The methods a proxy of {@code type} reports to its handler: one per name and parameter
     * types among the interface's instance methods, and {@code Object}'s equals, hashCode and
     * toString (which also stand for an interface's redeclaration of them). Where interfaces
     * declare one name and parameters with several return types, the one with the most specific
     * return type, and the non-bridge one, stands for all.
     *
     * @throws IllegalArgumentException if {@code type} is not an interface a proxy can implement,
     *                                  or two of its methods differ in unrelated return types only
     */
    public static List<Method> methodsOf(Class<?> type) {
        requireProxiable(type);
        Map<String, List<Method>> bySignature = new LinkedHashMap<>();
        for (Method m : type.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                bySignature.computeIfAbsent(nameAndParameters(m), k -> new ArrayList<>()).add(m);
            }
        }
        List<Method> result = new ArrayList<>(OBJECT_METHODS);
        OBJECT_METHODS.forEach(m -> bySignature.remove(nameAndParameters(m)));
        for (List<Method> candidates : bySignature.values()) {
            result.add(mostSpecific(type, candidates));
        }
        return List.copyOf(result);
    }

    /**
     * Generates and defines a proxy class for {@code type}.
     *
     * @param methods the methods the handler is told about, as {@link #methodsOf} lists them (the
     *                same objects reach the handler); one per name and parameter types
     * @throws IllegalArgumentException if dualstore cannot implement {@code type} (the message
     *                                  names the module-info.java line to add), or {@code methods}
     *                                  misses or repeats a method, or has one {@code type} lacks
     */
    public static <T> Generated<T> generate(Class<T> type, List<Method> methods) {
        requireProxiable(type);
        List<Method> canonical = List.copyOf(methods);
        Plan plan = plan(type, canonical);
        Lookup definer = ProxyPackages.definingLookup(type, plan.named());
        byte[] bytes = ProxyClassBytes.proxy(ProxyPackages.classNameIn(definer, type, "$$DualstoreProxy"),
                plan.interfaces().stream().map(ProxyClassBytes::internalName).toList(), canonical, plan.forwards(),
                plan.defaults());
        try {
            Lookup proxyClass = definer.defineHiddenClassWithClassData(bytes, canonical.toArray(), true);
            return new Generated<>(type, proxyClass, canonical, plan.defaults());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define a proxy class for " + type.getName(), e);
        }
    }

    /**
     * Checks that dualstore can implement {@code type}, as {@link #generate} does before it
     * defines anything.
     *
     * @throws IllegalArgumentException naming the interface and the line of module-info.java to
     *                                  add, if its module neither opens nor exports it to dualstore
     */
    public static void requireAccessible(Class<?> type) {
        requireProxiable(type);
        ProxyPackages.requireAccessible(type, plan(type, methodsOf(type)).named());
    }

    /** A proxy class for one interface. Immutable and threadsafe. */
    public static final class Generated<T> {
        private final Class<T> type;
        private final Class<?> proxyClass;
        private final MethodHandle constructor;
        private final Set<Method> methods;
        private final Map<Method, MethodHandle> defaultBodies = new HashMap<>();

        Generated(Class<T> type, Lookup proxyClass, List<Method> methods, List<Integer> defaults)
                throws IllegalAccessException {
            this.type = type;
            this.proxyClass = proxyClass.lookupClass();
            this.methods = Set.copyOf(methods);
            // The proxy class's own lookup: the only one that may call its private default$ methods.
            try {
                constructor = proxyClass.findConstructor(this.proxyClass,
                                MethodType.methodType(void.class, InvocationHandler.class))
                        .asType(MethodType.methodType(Object.class, InvocationHandler.class));
                for (int i : defaults) {
                    MethodHandle body = proxyClass.findVirtual(this.proxyClass, ProxyClassBytes.DEFAULT_BODY + i,
                            MethodType.methodType(Object.class, Object[].class));
                    defaultBodies.put(methods.get(i),
                            body.asType(MethodType.methodType(Object.class, Object.class, Object[].class)));
                }
            } catch (NoSuchMethodException e) {
                throw new AssertionError("the generated class lacks a method it was written with", e);
            }
        }

        /**
         * A new proxy whose every method, on the calling thread, calls
         * {@code handler.invoke(proxy, method, args)} with one of the generator's methods and the
         * boxed arguments (null when there are none), and returns what the handler returns, or
         * throws what it throws.
         */
        public T newInstance(InvocationHandler handler) {
            Objects.requireNonNull(handler, "handler");
            try {
                return type.cast((Object) constructor.invokeExact(handler));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new AssertionError("a constructor that only stores its argument threw", e);
            }
        }

        /**
         * The default body of {@code m}, run on a proxy as {@code Iface.super.m(args)} would:
         * a handle of type {@code (Object proxy, Object[] args)Object} that returns the result
         * boxed (null for void) and throws what the body throws. Null if {@code m} has no default
         * body, or one in a sealed interface, which the proxy cannot call.
         *
         * @throws IllegalArgumentException if {@code m} is not one of this class's methods
         */
        public MethodHandle defaultBody(Method m) {
            if (!methods.contains(m)) {
                throw new IllegalArgumentException(m + " is not a method of the proxy class of " + type.getName());
            }
            return defaultBodies.get(m);
        }

        /** The hidden class itself. */
        public Class<?> proxyClass() {
            return proxyClass;
        }
    }

    // ---------------------------------------------------------------- which methods

    /**
     * What the proxy class of {@code type} contains: the methods it implements, the default
     * bodies it can run, its direct superinterfaces, and every class its code names.
     */
    private record Plan(List<Forward> forwards, List<Integer> defaults, Set<Class<?>> interfaces,
            Set<Class<?>> named) {}

    private static Plan plan(Class<?> type, List<Method> canonical) {
        Map<String, Integer> index = indexOf(type, canonical);
        List<Forward> forwards = new ArrayList<>();
        Set<Class<?>> named = new LinkedHashSet<>(List.of(type));
        for (Method m : signatures(type)) {
            forwards.add(new Forward(m, index.get(nameAndParameters(m))));
            named.add(m.getReturnType());
        }
        Set<Class<?>> interfaces = new LinkedHashSet<>(List.of(type));
        List<Integer> defaults = new ArrayList<>();
        for (int i = 0; i < canonical.size(); i++) {
            Method m = canonical.get(i);
            // Calling a default body needs its interface as a direct superinterface, which a sealed one refuses.
            if (m.isDefault() && !m.getDeclaringClass().isSealed()) {
                defaults.add(i);
                interfaces.add(m.getDeclaringClass());
                named.addAll(Arrays.asList(m.getParameterTypes()));
            }
        }
        named.addAll(interfaces);
        return new Plan(forwards, defaults, interfaces, named);
    }

    private static void requireProxiable(Class<?> type) {
        if (!type.isInterface() || type.isAnnotation()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface");
        }
        if (type.isHidden() || type.isSealed()) {
            throw new IllegalArgumentException(type.getName() + " is " + (type.isHidden() ? "hidden" : "sealed")
                    + "; no proxy class can implement it");
        }
    }

    /** Every method a caller may call on the proxy: one per name and descriptor, bridges included. */
    private static List<Method> signatures(Class<?> type) {
        Map<String, Method> byDescriptor = new LinkedHashMap<>();
        for (Method m : OBJECT_METHODS) {
            byDescriptor.put(nameAndParameters(m) + m.getReturnType().getName(), m);
        }
        for (Method m : type.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                byDescriptor.putIfAbsent(nameAndParameters(m) + m.getReturnType().getName(), m);
            }
        }
        return List.copyOf(byDescriptor.values());
    }

    /** Positions in {@code methods} by name and parameters, checking that they are the methods of {@code type}. */
    private static Map<String, Integer> indexOf(Class<?> type, List<Method> methods) {
        Set<String> required = new LinkedHashSet<>();
        for (Method m : signatures(type)) {
            required.add(nameAndParameters(m));
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < methods.size(); i++) {
            Method m = methods.get(i);
            String key = nameAndParameters(m);
            boolean ofType = m.getDeclaringClass() == Object.class ? OBJECT_METHODS.contains(m)
                    : m.getDeclaringClass().isAssignableFrom(type) && !Modifier.isStatic(m.getModifiers());
            if (!ofType || !required.contains(key)) {
                throw new IllegalArgumentException(m + " is not a method of " + type.getName());
            }
            if (index.putIfAbsent(key, i) != null) {
                throw new IllegalArgumentException("two methods for " + key + ": " + methods.get(index.get(key)) + " and " + m);
            }
        }
        required.removeAll(index.keySet());
        if (!required.isEmpty()) {
            throw new IllegalArgumentException("no method given for " + required + " of " + type.getName());
        }
        return index;
    }

    private static Method mostSpecific(Class<?> type, List<Method> candidates) {
        Method best = candidates.get(0);
        for (Method m : candidates) {
            if (better(m, best)) {
                best = m;
            }
        }
        for (Method m : candidates) {
            if (!m.getReturnType().isAssignableFrom(best.getReturnType())) {
                throw new IllegalArgumentException(type.getName() + " inherits " + m + " and " + best
                        + ", whose return types are unrelated; no class can implement both");
            }
        }
        return best;
    }

    private static boolean better(Method m, Method than) {
        Class<?> r = m.getReturnType();
        Class<?> rThan = than.getReturnType();
        if (r != rThan) {
            return rThan.isAssignableFrom(r);
        }
        if (m.isBridge() != than.isBridge()) {
            return than.isBridge();
        }
        Class<?> d = m.getDeclaringClass();
        Class<?> dThan = than.getDeclaringClass();
        if (d != dThan && dThan.isAssignableFrom(d)) {
            return true;
        }
        return m.isDefault() && !than.isDefault() && !d.isAssignableFrom(dThan);
    }

    private static String nameAndParameters(Method m) {
        StringBuilder key = new StringBuilder(m.getName()).append('(');
        for (Class<?> p : m.getParameterTypes()) {
            key.append(p.getName()).append(';');
        }
        return key.append(')').toString();
    }

    private static List<Method> objectMethods() {
        try {
            return List.of(Object.class.getMethod("equals", Object.class), Object.class.getMethod("hashCode"),
                    Object.class.getMethod("toString"));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
