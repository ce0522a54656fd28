package dev.dualstore.internal;

import dev.dualstore.ResultComparator;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

/**
 * How one interface method is handled, decided at build time so the caller's thread does no
 * lookup by name and no annotation scan: its kind, key parameters, comparator, expected
 * exceptions, sample rate and meters. Immutable but for the sample rate.
 */
final class MethodPolicy {

    /** What the invocation handler does with a call. */
    enum Dispatch { READ, WRITE, PASSTHROUGH, DEFAULT_METHOD, EQUALS, HASH_CODE, TO_STRING }

    static final int EVERY_CALL = 1_000_000;
    static final int INHERIT = -1;

    final Method method;
    final String name;
    final Dispatch dispatch;
    /** Parameter positions of the key; empty when the method has none. */
    final int[] keyParameters;
    final ResultComparator comparator;
    final Class<?>[] expected;
    /** Indexed by {@link Store#id}; null for methods that are not mirrored. */
    final MethodMeters[] meters;
    /**
     * For an unclassified default method: its body, bound by special invocation so it runs on
     * the proxy; null when the package is not open to dualstore (then
     * {@code InvocationHandler.invokeDefault} is used, which needs a public interface).
     */
    MethodHandle defaultBody;
    /** Calls mirrored per million, or {@link #INHERIT} to use the backend's rate. */
    volatile int samplePerMillion = INHERIT;

    MethodPolicy(Method method, Dispatch dispatch, int[] keyParameters, ResultComparator comparator,
            List<Class<? extends Throwable>> expected, MethodMeters[] meters) {
        this.method = method;
        this.name = method.getName();
        this.dispatch = dispatch;
        this.keyParameters = keyParameters;
        this.comparator = comparator;
        this.expected = expected.toArray(new Class<?>[0]);
        this.meters = meters;
    }

    static MethodPolicy answeredByProxy(Method method, Dispatch dispatch) {
        return new MethodPolicy(method, dispatch, new int[0], null, List.of(), null);
    }

    boolean keyed() {
        return keyParameters.length > 0;
    }

    /** The call's key: the key parameter's value, or a list of them for a composite key. */
    Object key(Object[] args) {
        if (keyParameters.length == 1) {
            return args[keyParameters[0]];
        }
        Object[] parts = new Object[keyParameters.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = args[keyParameters[i]];
        }
        return Arrays.asList(parts);
    }

    boolean isExpected(Throwable t) {
        for (Class<?> type : expected) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return dispatch + " " + name;
    }
}
