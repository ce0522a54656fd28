package dev.dualstore.internal;

import dev.dualstore.Key;
import dev.dualstore.Passthrough;
import dev.dualstore.Read;
import dev.dualstore.ResultComparator;
import dev.dualstore.Write;
import dev.dualstore.spi.WriteObserver;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every method of a DAO interface and how it is handled: classified, validated against the
 * builder's options, then turned into {@link MethodPolicy}s. Built once at {@code build()}, before
 * anything is registered or started, so a configuration error leaves nothing behind. Immutable
 * after construction.
 */
final class MethodTable {
    private final String backend;
    private final Class<?> type;
    private final EngineConfig.Methods config;
    private final Map<Method, MethodPolicy> byMethod;
    private final Map<String, List<MethodPolicy>> mirroredByName;

    /**
     * @throws IllegalArgumentException naming the method at fault
     */
    /**
     * @param methods the interface's methods as the proxy reports them ({@link ProxyClasses#methodsOf})
     */
    MethodTable(String backend, Class<?> type, List<Method> methods, EngineConfig.Methods config) {
        this.backend = backend;
        this.type = type;
        this.config = config;
        Map<String, List<Method>> byName = methodsByName(methods);
        requireKnown(byName, config.classified().keySet(), "reads(...), writes(...) or passthrough(...)");
        requireKnown(byName, config.keys().keySet(), "key(...)");
        requireKnown(byName, config.keyFunctions().keySet(), "key(...)");
        requireKnown(byName, config.resultKeys().keySet(), "keyFromResult(...)");
        requireKnown(byName, config.secondaryArguments().keySet(), "secondaryArguments(...)");
        requireKnown(byName, config.comparedWriteResults(), "compareWriteResults(...)");
        requireKnown(byName, config.snapshots(), "snapshotResults(...)");
        requireKnown(byName, config.expected().keySet(), "expected(...)");
        requireKnown(byName, config.comparators().keySet(), "comparator(...)");
        requireKnown(byName, config.sampleRates().keySet(), "sampleRate(...)");

        Map<Method, MethodPolicy> policies = new HashMap<>();
        Set<String> unclassified = new TreeSet<>();
        for (List<Method> overloads : byName.values()) {
            for (Method m : overloads) {
                MethodPolicy.Dispatch dispatch = dispatchOf(m);
                if (dispatch == null) {
                    unclassified.add(m.getName());
                } else {
                    policies.put(m, policyOf(m, dispatch));
                }
            }
        }
        if (!unclassified.isEmpty()) {
            throw new IllegalArgumentException("unclassified methods of " + type.getSimpleName() + ": " + unclassified
                    + "; classify each with reads(...), writes(...) or passthrough(...), or annotate it with"
                    + " @Read, @Write or @Passthrough");
        }
        Map<String, List<MethodPolicy>> mirrored = new HashMap<>();
        for (MethodPolicy p : policies.values()) {
            if (p.mirrored()) {
                mirrored.computeIfAbsent(p.name, k -> new ArrayList<>()).add(p);
            }
        }
        for (String name : config.comparators().keySet()) {
            if (byName.get(name).stream().noneMatch(m -> policies.get(m).dispatch == MethodPolicy.Dispatch.READ)) {
                throw new IllegalArgumentException("comparator(\"" + name + "\", ...) is set, but " + name + " is not a read");
            }
        }
        for (String name : config.resultKeys().keySet()) {
            if (byName.get(name).stream().noneMatch(m -> policies.get(m).dispatch == MethodPolicy.Dispatch.WRITE)) {
                throw new IllegalArgumentException("keyFromResult(\"" + name + "\", ...) is set, but " + name + " is not a write");
            }
        }
        for (String name : config.comparedWriteResults()) {
            if (byName.get(name).stream().noneMatch(m -> policies.get(m).dispatch == MethodPolicy.Dispatch.WRITE)) {
                throw new IllegalArgumentException("compareWriteResults(\"" + name + "\") is set, but " + name + " is not a write");
            }
        }
        for (String name : config.snapshots()) {
            if (byName.get(name).stream().noneMatch(m -> policies.get(m).dispatch == MethodPolicy.Dispatch.READ)) {
                throw new IllegalArgumentException("snapshotResults(\"" + name + "\") is set, but " + name + " is not a read");
            }
        }
        for (MethodPolicy p : policies.values()) {
            if (p.snapshots && !p.comparator.comparesSnapshots()) {
                throw new IllegalArgumentException("snapshotResults covers " + p.name + ", whose comparator (" + p.comparator
                        + ") cannot compare snapshots; use ResultComparator.deep() with its options, or leave " + p.name + " out");
            }
        }
        for (String name : config.sampleRates().keySet()) {
            if (!mirrored.containsKey(name)) {
                throw new IllegalArgumentException("sampleRate(\"" + name + "\", ...) is set, but " + name
                        + " is neither a read nor a write");
            }
        }
        addObjectMethods(methods, policies);
        int index = 0;
        for (Method m : methods) {
            MethodPolicy p = policies.get(m);
            if (p != null) {
                p.index = index++;
            }
        }
        this.byMethod = Map.copyOf(policies);
        this.mirroredByName = Map.copyOf(mirrored);
    }

    /**
     * Gives each unclassified default method the body it runs on the proxy.
     *
     * @throws IllegalArgumentException if the proxy class cannot run one (declared in a sealed interface)
     */
    void bindDefaultBodies(ProxyClasses.Generated<?> proxyClass) {
        for (MethodPolicy p : byMethod.values()) {
            if (p.dispatch == MethodPolicy.Dispatch.DEFAULT_METHOD) {
                p.defaultBody = proxyClass.defaultBody(p.method);
                if (p.defaultBody == null) {
                    throw new IllegalArgumentException("the default method " + p.name + " of " + type.getSimpleName()
                            + " cannot run on a proxy; classify it with reads(...), writes(...) or passthrough(...)");
                }
            }
        }
    }

    /**
     * Lets each write observer refuse a write method it cannot record, before anything is registered.
     *
     * @throws IllegalArgumentException naming the observer, with the observer's own message
     */
    void checkObservers(List<Method> canonical, Map<String, WriteObserver> observers) {
        for (Map.Entry<String, WriteObserver> o : observers.entrySet()) {
            for (Method m : canonical) {
                MethodPolicy p = byMethod.get(m);
                if (p == null || p.dispatch != MethodPolicy.Dispatch.WRITE) {
                    continue;
                }
                try {
                    o.getValue().checkWrite(m);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("write observer '" + o.getKey() + "': " + e.getMessage(), e);
                }
            }
        }
    }

    /** @return the policy of every method the proxy can be called with, Object's included */
    Map<Method, MethodPolicy> byMethod() {
        return byMethod;
    }

    /** @return the reads and writes, each once */
    Collection<MethodPolicy> mirrored() {
        return mirroredByName.values().stream().flatMap(List::stream).toList();
    }

    /** @return the reads and writes named {@code name} (all overloads), or null */
    List<MethodPolicy> mirrored(String name) {
        return mirroredByName.get(name);
    }

    private static Map<String, List<Method>> methodsByName(List<Method> methods) {
        Map<String, List<Method>> byName = new LinkedHashMap<>();
        for (Method m : methods) {
            if (m.getDeclaringClass() != Object.class && !isObjectMethod(m)) {
                byName.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
            }
        }
        return byName;
    }

    private MethodPolicy.Dispatch dispatchOf(Method m) {
        List<String> annotations = new ArrayList<>();
        EngineConfig.Kind byAnnotation = null;
        if (m.isAnnotationPresent(Read.class)) {
            annotations.add("@Read");
            byAnnotation = EngineConfig.Kind.READ;
        }
        if (m.isAnnotationPresent(Write.class)) {
            annotations.add("@Write");
            byAnnotation = EngineConfig.Kind.WRITE;
        }
        if (m.isAnnotationPresent(Passthrough.class)) {
            annotations.add("@Passthrough");
            byAnnotation = EngineConfig.Kind.PASSTHROUGH;
        }
        if (annotations.size() > 1) {
            throw new IllegalArgumentException(m.getName() + " is annotated " + String.join(" and ", annotations) + "; pick one");
        }
        EngineConfig.Kind byBuilder = config.classified().get(m.getName());
        if (byBuilder != null && byAnnotation != null && byBuilder != byAnnotation) {
            throw new IllegalArgumentException(m.getName() + " is annotated " + annotations.get(0)
                    + " but the builder classifies it as " + byBuilder.name().toLowerCase(Locale.ROOT));
        }
        EngineConfig.Kind kind = byBuilder != null ? byBuilder : byAnnotation;
        if (kind == null && m.isDefault()) {
            return MethodPolicy.Dispatch.DEFAULT_METHOD; // runs as written, even when its name would classify it
        }
        if (kind == null && config.classifyByName()) {
            kind = MethodNames.kindOf(m.getName());
        }
        if (kind == null) {
            return null;
        }
        return switch (kind) {
            case READ -> MethodPolicy.Dispatch.READ;
            case WRITE -> MethodPolicy.Dispatch.WRITE;
            case PASSTHROUGH -> MethodPolicy.Dispatch.PASSTHROUGH;
        };
    }

    private MethodPolicy policyOf(Method m, MethodPolicy.Dispatch dispatch) {
        // Non-public interfaces (a test's nested interface, say) need this to be callable from here.
        if (!m.trySetAccessible() && !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            throw new IllegalArgumentException(m.getDeclaringClass().getName() + " is not public and its package is not"
                    + " open to dev.dualstore; make the interface public or open its package to dev.dualstore");
        }
        String name = m.getName();
        if (dispatch == MethodPolicy.Dispatch.PASSTHROUGH || dispatch == MethodPolicy.Dispatch.DEFAULT_METHOD) {
            List<String> options = optionsSetFor(name);
            if (!options.isEmpty()) {
                String what = dispatch == MethodPolicy.Dispatch.PASSTHROUGH ? "a passthrough"
                        : "a default method that is not classified (it runs as written)";
                throw new IllegalArgumentException(String.join(" and ", options) + " set for " + name + ", " + what
                        + "; they apply to reads and writes only");
            }
            return MethodPolicy.of(backend, m, dispatch);
        }
        Function<Object[], ?> keyFunction = config.keyFunctions().get(name);
        int[] keys = config.keys().get(name);
        if (keyFunction != null) {
            keys = new int[0];
        } else if (keys == null) {
            keys = annotatedKeys(m);
        }
        for (int k : keys) {
            if (k < 0 || k >= m.getParameterCount()) {
                throw new IllegalArgumentException("key(\"" + name + "\", " + k + ") is out of range: " + name
                        + Arrays.toString(m.getParameterTypes()) + " has " + m.getParameterCount() + " parameters");
            }
        }
        List<Class<? extends Throwable>> expected = config.expected().get(name);
        if (expected == null) {
            Read read = m.getAnnotation(Read.class);
            Write write = m.getAnnotation(Write.class);
            expected = read != null ? List.of(read.expected()) : write != null ? List.of(write.expected()) : List.of();
        }
        ResultComparator comparator = config.comparators().getOrDefault(name, config.comparator());
        Function<Object, ?> resultKey = dispatch == MethodPolicy.Dispatch.WRITE ? config.resultKeys().get(name) : null;
        MethodPolicy policy = new MethodPolicy(backend, m, dispatch, keys, keyFunction, resultKey, comparator, expected,
                config.secondaryArguments().get(name),
                dispatch == MethodPolicy.Dispatch.WRITE && config.comparedWriteResults().contains(name));
        Double rate = config.sampleRates().get(name);
        if (rate != null) {
            policy.samplePerMillion = perMillion(rate);
        }
        policy.snapshots = dispatch == MethodPolicy.Dispatch.READ
                && (config.snapshotAllReads() || config.snapshots().contains(name));
        return policy;
    }

    /** The builder's per-method options that name {@code method}. */
    private List<String> optionsSetFor(String method) {
        List<String> set = new ArrayList<>();
        if (config.keys().containsKey(method) || config.keyFunctions().containsKey(method)
                || config.resultKeys().containsKey(method)) {
            set.add("key(...)");
        }
        if (config.secondaryArguments().containsKey(method)) {
            set.add("secondaryArguments(...)");
        }
        if (config.comparedWriteResults().contains(method)) {
            set.add("compareWriteResults(...)");
        }
        if (config.snapshots().contains(method)) {
            set.add("snapshotResults(...)");
        }
        if (config.expected().containsKey(method)) {
            set.add("expected(...)");
        }
        if (config.comparators().containsKey(method)) {
            set.add("comparator(...)");
        }
        if (config.sampleRates().containsKey(method)) {
            set.add("sampleRate(...)");
        }
        return set;
    }

    /** Object's methods, as the proxy reports them: answered by the proxy itself. */
    private void addObjectMethods(List<Method> methods, Map<Method, MethodPolicy> policies) {
        for (Method m : methods) {
            if (m.getDeclaringClass() == Object.class) {
                MethodPolicy.Dispatch dispatch = switch (m.getName()) {
                    case "equals" -> MethodPolicy.Dispatch.EQUALS;
                    case "hashCode" -> MethodPolicy.Dispatch.HASH_CODE;
                    default -> MethodPolicy.Dispatch.TO_STRING;
                };
                policies.put(m, MethodPolicy.of(backend, m, dispatch));
            }
        }
    }

    private static int[] annotatedKeys(Method m) {
        Annotation[][] annotations = m.getParameterAnnotations();
        int[] keys = new int[annotations.length];
        int n = 0;
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof Key) {
                    keys[n++] = i;
                }
            }
        }
        return Arrays.copyOf(keys, n);
    }

    private void requireKnown(Map<String, List<Method>> byName, Set<String> named, String where) {
        Set<String> unknown = new LinkedHashSet<>(named);
        unknown.removeAll(byName.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown methods in " + where + ": " + unknown + "; "
                    + type.getSimpleName() + " has " + new TreeSet<>(byName.keySet()));
        }
    }

    private static boolean isObjectMethod(Method m) {
        try {
            Object.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static int perMillion(double percent) {
        return (int) Math.round(percent * (MethodPolicy.EVERY_CALL / 100.0));
    }
}
