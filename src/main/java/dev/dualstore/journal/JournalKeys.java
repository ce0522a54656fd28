package dev.dualstore.journal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A write's key as journal text, self-describing (a key's type is not declared anywhere): each
 * scalar a {@code [type, text]} pair, a composite key a JSON array of them. Stateless; threadsafe.
 */
final class JournalKeys {
    private static final Map<String, Function<String, Object>> READ = Map.of(
            "str", s -> s, "int", Integer::valueOf, "long", Long::valueOf, "short", Short::valueOf,
            "bool", Boolean::valueOf, "uuid", UUID::fromString, "decimal", BigDecimal::new,
            "instant", Instant::parse, "date", LocalDate::parse, "datetime", LocalDateTime::parse);

    private JournalKeys() {
    }

    /**
     * @return the key as text; null for a null key
     * @throws IllegalArgumentException if a key value is of a type keys cannot have
     */
    static String encode(Object key) {
        if (key == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        if (key instanceof List<?> parts) {
            out.append('[');
            for (int i = 0; i < parts.size(); i++) {
                out.append(i == 0 ? "" : ",");
                scalar(out, parts.get(i));
            }
            return out.append(']').toString();
        }
        scalar(out, key);
        return out.toString();
    }

    private static void scalar(StringBuilder out, Object value) {
        String tag = value instanceof String ? "str" : value instanceof Integer ? "int" : value instanceof Long ? "long"
                : value instanceof Short ? "short" : value instanceof Boolean ? "bool" : value instanceof UUID ? "uuid"
                : value instanceof BigDecimal ? "decimal" : value instanceof Instant ? "instant"
                : value instanceof LocalDate ? "date" : value instanceof LocalDateTime ? "datetime" : null;
        if (tag == null) {
            throw new IllegalArgumentException("a key of type " + (value == null ? "null" : value.getClass().getName())
                    + " cannot be journaled; a key is a String, Integer, Long, Short, Boolean, UUID, BigDecimal, Instant,"
                    + " LocalDate, LocalDateTime, or a list of them");
        }
        out.append('[');
        JsonText.quote(out, tag);
        out.append(',');
        JsonText.quote(out, value.toString());
        out.append(']');
    }

    /** @return the key {@link #encode} wrote: a scalar, or a list for a composite key; null for null */
    static Object decode(String text) {
        if (text == null) {
            return null;
        }
        List<?> json = (List<?>) JsonText.parse(text);
        if (!json.isEmpty() && json.get(0) instanceof String) {
            return scalar(json);
        }
        List<Object> parts = new ArrayList<>(json.size());
        for (Object part : json) {
            parts.add(scalar((List<?>) part));
        }
        return parts;
    }

    private static Object scalar(List<?> pair) {
        Function<String, Object> read = READ.get((String) pair.get(0));
        if (read == null || pair.size() != 2) {
            throw new IllegalArgumentException("malformed journal key " + pair);
        }
        return read.apply((String) pair.get(1));
    }
}
