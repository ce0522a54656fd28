package dev.dualstore.internal;

import dev.dualstore.ResultComparator;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How one interface method is handled, decided at build time by {@link MethodTable} so the
 * caller's thread does no lookup by name and no annotation scan: its kind, key parameters,
 * comparator, expected exceptions, sample rate and meters. Immutable once the backend is built,
 * but for the sample rate, which may change at runtime.
 */
final class MethodPolicy {

    /** What the proxy handler does with a call. */
    enum Dispatch { READ, WRITE, PASSTHROUGH, DEFAULT_METHOD, EQUALS, HASH_CODE, TO_STRING }

    static final int EVERY_CALL = 1_000_000;
    static final int INHERIT = -1;
    private static final Class<?>[] NONE = new Class<?>[0];

    final String backend;
    final Method method;
    final String name;
    final Dispatch dispatch;
    /** Parameter positions of the key; empty when the method has none, or a {@link #keyFunction}. */
    final int[] keyParameters;
    /** The key from the arguments, set by the builder; null when the key is parameters, or none. */
    final Function<Object[], ?> keyFunction;
    /** For a write: its key from the primary's answer, when the call has none of its own; null if not set. */
    final Function<Object, ?> resultKey;
    /** What secondaries receive instead of the primary's arguments; null: the same arguments. */
    final BiFunction<Object[], Object, Object[]> secondaryArguments;
    /** For a write: whether its result is compared with each secondary's. */
    final boolean comparesResult;
    final ResultComparator comparator;
    final Class<?>[] expected;
    /** Whether the method answers with a future, whose completed value is what gets compared. */
    final boolean answersLater;
    /** Indexed by {@link Store#id}; set once by {@link Meters} before the proxy exists; null if not mirrored. */
    MethodMeters[] meters;
    /** For an unclassified default method: its body, {@code (Object proxy, Object[] args)Object}; set once at build. */
    MethodHandle defaultBody;
    /** For a read: whether its answers are snapshotted when the primary returns them. Set once by {@link MethodTable}. */
    boolean snapshots;
    /** Position in the method table, dense from 0; indexes a store's parts. Set once by {@link MethodTable}. */
    int index;
    /** Calls mirrored per million, or {@link #INHERIT} to use the backend's rate. */
    volatile int samplePerMillion = INHERIT;

    MethodPolicy(String backend, Method method, Dispatch dispatch, int[] keyParameters, ResultComparator comparator,
            List<Class<? extends Throwable>> expected) {
        this(backend, method, dispatch, keyParameters, null, null, comparator, expected, null, false);
    }

    MethodPolicy(String backend, Method method, Dispatch dispatch, int[] keyParameters, Function<Object[], ?> keyFunction,
            Function<Object, ?> resultKey, ResultComparator comparator, List<Class<? extends Throwable>> expected,
            BiFunction<Object[], Object, Object[]> secondaryArguments, boolean comparesResult) {
        this.backend = backend;
        this.method = method;
        this.name = method.getName();
        this.dispatch = dispatch;
        this.keyParameters = keyParameters;
        this.keyFunction = keyFunction;
        this.resultKey = resultKey;
        this.secondaryArguments = secondaryArguments;
        this.comparesResult = comparesResult;
        this.comparator = comparator;
        this.expected = expected.isEmpty() ? NONE : expected.toArray(NONE);
        Class<?> returns = method.getReturnType();
        this.answersLater = Future.class.isAssignableFrom(returns) || CompletionStage.class.isAssignableFrom(returns);
    }

    static MethodPolicy of(String backend, Method method, Dispatch dispatch) {
        return new MethodPolicy(backend, method, dispatch, new int[0], null, List.of());
    }

    /** Whether calls of this method reach the stores (the primary at least), rather than the proxy answering itself. */
    boolean runsOnStores() {
        return dispatch == Dispatch.READ || dispatch == Dispatch.WRITE || dispatch == Dispatch.PASSTHROUGH;
    }

    boolean mirrored() {
        return dispatch == Dispatch.READ || dispatch == Dispatch.WRITE;
    }

    boolean keyed() {
        return keyParameters.length > 0 || keyFunction != null;
    }

    /**
     * The call's key: the key parameter's value, or a list of them for a composite key, or what
     * the key function answers. An array (a varargs key, say) becomes a list, so that equal
     * contents make one key for ordering, sampling and repair.
     *
     * @throws RuntimeException or Error if the user's key function throws
     */
    Object key(Object[] args) {
        if (keyFunction != null) {
            return contentOf(keyFunction.apply(args));
        }
        if (keyParameters.length == 1) {
            return contentOf(args[keyParameters[0]]);
        }
        Object[] parts = new Object[keyParameters.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = contentOf(args[keyParameters[i]]);
        }
        return Collections.unmodifiableList(Arrays.asList(parts));
    }

    static Object contentOf(Object value) {
        if (value == null || !value.getClass().isArray()) {
            return value;
        }
        int length = Array.getLength(value);
        List<Object> elements = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            elements.add(contentOf(Array.get(value, i)));
        }
        return Collections.unmodifiableList(elements);
    }

    /**
     * What the builder's {@code secondaryArguments} gives a secondary, from a copy of the
     * primary's arguments and its answer (null when it threw).
     *
     * @throws RuntimeException or Error if the user's function throws, or answers the wrong number of arguments
     */
    Object[] secondaryArguments(Object[] args, Object value, Throwable thrown) {
        Object[] given = args == null ? new Object[0] : args.clone();
        Object[] adapted = secondaryArguments.apply(given, thrown == null ? value : null);
        if (adapted == null || adapted.length != method.getParameterCount()) {
            throw new IllegalArgumentException("secondaryArguments(\"" + name + "\") returned "
                    + (adapted == null ? "null" : adapted.length + " arguments") + "; " + name + " takes "
                    + method.getParameterCount());
        }
        return adapted;
    }

    boolean isExpected(Throwable t) {
        for (Class<?> type : expected) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a call that ended with {@code thrown} (null: returned) changed the store. */
    boolean applied(Throwable thrown) {
        return thrown == null || isExpected(thrown);
    }

    @Override
    public String toString() {
        return dispatch + " " + name;
    }
}
