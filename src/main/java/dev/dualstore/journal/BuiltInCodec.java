package dev.dualstore.journal;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.List;

/** {@link ArgumentCodec#builtIn()}: the arguments as one JSON array. Stateless; threadsafe. */
final class BuiltInCodec implements ArgumentCodec {
    static final BuiltInCodec INSTANCE = new BuiltInCodec();

    private BuiltInCodec() {
    }

    @Override
    public void check(Method write) {
        Type[] types = write.getGenericParameterTypes();
        for (int i = 0; i < types.length; i++) {
            String why = TypedValues.unsupported(types[i], new HashSet<>());
            if (why != null) {
                throw new IllegalArgumentException(write.getDeclaringClass().getSimpleName() + "." + write.getName()
                        + ": parameter " + i + " (" + types[i].getTypeName() + ") cannot be journaled by the built-in"
                        + " codec: it holds " + why + "; give the journal a codec(...) that can");
            }
        }
    }

    @Override
    public String encode(Method write, List<Object> arguments) {
        StringBuilder out = new StringBuilder(32 + 16 * arguments.size());
        TypedValues.write(out, arguments);
        return out.toString();
    }

    @Override
    public Object[] decode(Method write, String encoded) {
        List<?> items = (List<?>) JsonText.parse(encoded);
        Type[] types = write.getGenericParameterTypes();
        if (items.size() != types.length) {
            throw new IllegalArgumentException("journaled arguments hold " + items.size() + " values; "
                    + ArgumentCodec.signature(write) + " takes " + types.length);
        }
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = TypedValues.read(items.get(i), types[i]);
        }
        return args;
    }

    @Override
    public String toString() {
        return "ArgumentCodec.builtIn()";
    }
}
