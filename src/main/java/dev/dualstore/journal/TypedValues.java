package dev.dualstore.journal;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The built-in codec's values, driven by a parameter's declared (generic) type: which types it can
 * encode, and how to write and read each as JSON. Records are JSON objects by component name,
 * collections and arrays JSON arrays, maps arrays of {@code [key, value]} pairs, {@code byte[]}
 * Base64, and every scalar without an exact JSON form (long numbers, decimals, {@code java.time})
 * its {@code toString()} text. Stateless; threadsafe.
 */
final class TypedValues {
    /** Scalars written as their text and read back with a parser. */
    private static final Map<Class<?>, Function<String, Object>> TEXT = new LinkedHashMap<>();

    static {
        TEXT.put(String.class, s -> s);
        TEXT.put(UUID.class, UUID::fromString);
        TEXT.put(BigDecimal.class, BigDecimal::new);
        TEXT.put(BigInteger.class, BigInteger::new);
        TEXT.put(Instant.class, Instant::parse);
        TEXT.put(LocalDate.class, LocalDate::parse);
        TEXT.put(LocalTime.class, LocalTime::parse);
        TEXT.put(LocalDateTime.class, LocalDateTime::parse);
        TEXT.put(OffsetDateTime.class, OffsetDateTime::parse);
        TEXT.put(OffsetTime.class, OffsetTime::parse);
        TEXT.put(ZonedDateTime.class, ZonedDateTime::parse);
        TEXT.put(Duration.class, Duration::parse);
        TEXT.put(Period.class, Period::parse);
        TEXT.put(Year.class, Year::parse);
        TEXT.put(YearMonth.class, YearMonth::parse);
        TEXT.put(MonthDay.class, MonthDay::parse);
        TEXT.put(ZoneOffset.class, ZoneOffset::of);
        TEXT.put(ZoneId.class, ZoneId::of);
        TEXT.put(Long.class, Long::valueOf);
        TEXT.put(long.class, Long::valueOf);
        TEXT.put(Character.class, s -> s.charAt(0));
        TEXT.put(char.class, s -> s.charAt(0));
    }

    private TypedValues() {
    }

    /**
     * @return null if values of {@code type} can be encoded and decoded, else why not
     */
    static String unsupported(Type type, Set<Class<?>> seen) {
        if (type instanceof WildcardType w) {
            return w.getLowerBounds().length > 0 ? "a lower-bounded wildcard" : unsupported(w.getUpperBounds()[0], seen);
        }
        if (type instanceof GenericArrayType g) {
            return unsupported(g.getGenericComponentType(), seen);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (!isCollection(raw) && raw != Map.class) {
                return "a generic " + raw.getSimpleName() + " (only List, Set, Collection and Map)";
            }
            for (Type argument : p.getActualTypeArguments()) {
                String why = unsupported(argument, seen);
                if (why != null) {
                    return why;
                }
            }
            return null;
        }
        if (!(type instanceof Class<?> c)) {
            return "a type variable (" + type.getTypeName() + ")";
        }
        if (c.isPrimitive() || isNumberOrBoolean(c) || TEXT.containsKey(c) || c.isEnum() || c == byte[].class) {
            return null;
        }
        if (c.isArray()) {
            return unsupported(c.getComponentType(), seen);
        }
        if (isCollection(c) || c == Map.class) {
            return "a raw " + c.getSimpleName() + " (its element type is unknown)";
        }
        if (c.isRecord()) {
            if (!seen.add(c)) {
                return null;
            }
            for (RecordComponent rc : c.getRecordComponents()) {
                String why = unsupported(rc.getGenericType(), seen);
                if (why != null) {
                    return why + " in component " + c.getSimpleName() + "." + rc.getName();
                }
            }
            return null;
        }
        return c.getName() + ", which is not a primitive, String, enum, record, collection, map, array, "
                + "java.time type, UUID or BigDecimal";
    }

    static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(value);
            } else {
                JsonText.quote(out, value.toString());
            }
        } else if (value instanceof Enum<?> e) {
            JsonText.quote(out, e.name());
        } else if (value instanceof byte[] bytes) {
            JsonText.quote(out, Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof Record r) {
            writeRecord(out, r);
        } else if (value instanceof Collection<?> items) {
            writeItems(out, items);
        } else if (value instanceof Map<?, ?> map) {
            out.append('[');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "[" : ",[");
                write(out, e.getKey());
                out.append(',');
                write(out, e.getValue());
                out.append(']');
                first = false;
            }
            out.append(']');
        } else if (value.getClass().isArray()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                items.add(Array.get(value, i));
            }
            writeItems(out, items);
        } else {
            JsonText.quote(out, value.toString());
        }
    }

    private static void writeItems(StringBuilder out, Collection<?> items) {
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(',');
            }
            write(out, item);
            first = false;
        }
        out.append(']');
    }

    private static void writeRecord(StringBuilder out, Record r) {
        out.append('{');
        boolean first = true;
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            if (!first) {
                out.append(',');
            }
            JsonText.quote(out, rc.getName());
            out.append(':');
            try {
                var accessor = rc.getAccessor();
                accessor.trySetAccessible();
                write(out, accessor.invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read " + r.getClass().getName() + "." + rc.getName(), e);
            }
            first = false;
        }
        out.append('}');
    }

    /** Reads a parsed JSON value back as a {@code type}. */
    static Object read(Object json, Type type) {
        if (type instanceof WildcardType w) {
            return read(json, w.getUpperBounds()[0]);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            return json == null ? null : raw == Map.class ? readMap(json, args[0], args[1]) : readItems(json, raw, args[0]);
        }
        if (type instanceof GenericArrayType g) {
            return json == null ? null : readArray(json, g.getGenericComponentType(), erase(g.getGenericComponentType()));
        }
        Class<?> c = (Class<?>) type;
        if (json == null) {
            if (c.isPrimitive()) {
                throw new IllegalArgumentException("null for primitive " + c.getName());
            }
            return null;
        }
        if (c == boolean.class || c == Boolean.class) {
            return (Boolean) json;
        }
        if (isNumberOrBoolean(c) || c.isPrimitive() && c != long.class && c != char.class) {
            return number(json, c);
        }
        Function<String, Object> parser = TEXT.get(c);
        if (parser != null) {
            return parser.apply(json instanceof JsonText.Num n ? n.text() : (String) json);
        }
        if (c.isEnum()) {
            return enumValue(c, (String) json);
        }
        if (c == byte[].class) {
            return Base64.getDecoder().decode((String) json);
        }
        if (c.isArray()) {
            return readArray(json, c.getComponentType(), c.getComponentType());
        }
        if (c.isRecord()) {
            return readRecord(json, c);
        }
        throw new IllegalArgumentException("cannot decode a " + c.getName());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> c, String name) {
        return Enum.valueOf((Class) c, name);
    }

    private static Object number(Object json, Class<?> c) {
        String text = json instanceof JsonText.Num n ? n.text() : (String) json;
        if (c == int.class || c == Integer.class) {
            return Integer.valueOf(text);
        }
        if (c == short.class || c == Short.class) {
            return Short.valueOf(text);
        }
        if (c == byte.class || c == Byte.class) {
            return Byte.valueOf(text);
        }
        if (c == float.class || c == Float.class) {
            return Float.valueOf(text);
        }
        return Double.valueOf(text);
    }

    private static Object readArray(Object json, Type component, Class<?> componentClass) {
        List<?> items = (List<?>) json;
        Object array = Array.newInstance(componentClass, items.size());
        for (int i = 0; i < items.size(); i++) {
            Array.set(array, i, read(items.get(i), component));
        }
        return array;
    }

    private static Collection<Object> readItems(Object json, Class<?> raw, Type element) {
        List<?> items = (List<?>) json;
        Collection<Object> out = raw == Set.class ? new LinkedHashSet<>() : raw == HashSet.class ? new HashSet<>()
                : new ArrayList<>();
        for (Object item : items) {
            out.add(read(item, element));
        }
        return out;
    }

    private static Map<Object, Object> readMap(Object json, Type key, Type value) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object pair : (List<?>) json) {
            List<?> kv = (List<?>) pair;
            out.put(read(kv.get(0), key), read(kv.get(1), value));
        }
        return out;
    }

    private static Object readRecord(Object json, Class<?> c) {
        Map<?, ?> fields = (Map<?, ?>) json;
        RecordComponent[] components = c.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = read(fields.get(components[i].getName()), components[i].getGenericType());
        }
        try {
            Constructor<?> constructor = c.getDeclaredConstructor(types);
            constructor.trySetAccessible();
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot make a " + c.getName() + ": " + e, e);
        }
    }

    private static boolean isCollection(Class<?> c) {
        return c == List.class || c == Set.class || c == Collection.class;
    }

    private static boolean isNumberOrBoolean(Class<?> c) {
        return c == Integer.class || c == Short.class || c == Byte.class || c == Double.class || c == Float.class
                || c == Boolean.class;
    }

    private static Class<?> erase(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType g) {
            return Array.newInstance(erase(g.getGenericComponentType()), 0).getClass();
        }
        return Object.class;
    }
}
