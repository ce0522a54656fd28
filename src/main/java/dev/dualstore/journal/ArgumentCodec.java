package dev.dualstore.journal;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Turns a write's arguments into the text a journal stores, and back. {@link #builtIn()} covers
 * primitives and their boxes, {@code String}, enums, records (recursively), {@code List}, {@code
 * Set}, {@code Collection}, {@code Map}, arrays, {@code byte[]}, the {@code java.time} types, {@code
 * UUID}, {@code BigDecimal}, {@code BigInteger} and null; give a journal another codec (one over
 * {@link JacksonCodec#of}, say) for anything else.
 *
 * <p>{@link #check} runs once per write method when a backend is built; {@link #encode} on
 * dualstore's worker threads; {@link #decode} on the replayer's thread. Implementations must be
 * threadsafe and must decode what they encoded to arguments the method accepts.
 */
public interface ArgumentCodec {
    /**
     * Checks that every parameter of {@code write} can be encoded and decoded.
     *
     * @throws IllegalArgumentException naming the method and the parameter (its index and type)
     */
    void check(Method write);

    /**
     * @param write     the method called
     * @param arguments its arguments (elements may be null)
     * @return the arguments as text
     */
    String encode(Method write, List<Object> arguments);

    /**
     * @param write   the method that will be called with the arguments (same signature as encoded)
     * @param encoded what {@link #encode} returned
     * @return the arguments, one per parameter
     * @throws IllegalArgumentException if the text cannot be decoded
     */
    Object[] decode(Method write, String encoded);

    /**
     * The codec of the built-in types, as JSON text. Stateless and threadsafe.
     *
     * @return the codec
     */
    static ArgumentCodec builtIn() {
        return BuiltInCodec.INSTANCE;
    }

    /**
     * The signature a journal records for a method, and by which a replayer finds it again:
     * {@code name(type,type)} with each parameter's type name, e.g. {@code follow(java.lang.String,long)}.
     *
     * @param method a method
     * @return its signature
     */
    static String signature(Method method) {
        StringBuilder s = new StringBuilder(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ",").append(types[i].getTypeName());
        }
        return s.append(')').toString();
    }
}
