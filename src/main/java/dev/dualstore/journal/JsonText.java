package dev.dualstore.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the built-in codec writes and reads: a parsed value is null, {@link Boolean},
 * {@link String}, {@link Num} (a number, kept as its text so no precision is lost), {@code List} or
 * {@code Map<String, Object>} (in order). Stateless; threadsafe.
 */
final class JsonText {
    /** A number as it was written. */
    record Num(String text) {
    }

    private final String text;
    private int at;

    private JsonText(String text) {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException if {@code text} is not one JSON value
     */
    static Object parse(String text) {
        JsonText p = new JsonText(text);
        Object value = p.value();
        p.skipSpace();
        if (p.at != text.length()) {
            throw p.error("text after the value");
        }
        return value;
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * A reader of one JSON object whose fields come in a known order, for formats this package
     * writes itself: each {@code read...} method takes the field's {@code ,"name":} (or {@code
     * {"name":} for the first) and its value, and returns null (or throws) when the text is laid
     * out otherwise, so the caller can fall back to {@link #parse}.
     */
    static JsonText fields(String text) {
        return new JsonText(text);
    }

    /** @return whether the next field is {@code name}, taken with its colon */
    boolean field(String name) {
        char open = at == 0 ? '{' : ',';
        int n = name.length();
        if (at + n + 4 > text.length() || text.charAt(at) != open || text.charAt(at + 1) != '"'
                || !text.startsWith(name, at + 2) || text.charAt(at + n + 2) != '"' || text.charAt(at + n + 3) != ':') {
            return false;
        }
        at += n + 4;
        return true;
    }

    /** @return the string value next, or null for {@code null}; throws if neither */
    String stringOrNull() {
        if (peek() == '"') {
            return string();
        }
        word("null", null);
        return null;
    }

    /** @return the integer next; throws if there is none */
    long longValue() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (start == at) {
            throw error("an integer");
        }
        return Long.parseLong(text, start, at, 10);
    }

    /** @return the boolean next; throws if there is none */
    boolean booleanValue() {
        return peek() == 't' ? (Boolean) word("true", Boolean.TRUE) : (Boolean) word("false", Boolean.FALSE);
    }

    /** @return whether the object ends here and nothing follows it */
    boolean endsHere() {
        return at == text.length() - 1 && text.charAt(at) == '}';
    }

    private Object value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(at);
        switch (c) {
            case '"':
                return string();
            case '[':
                return array();
            case '{':
                return object();
            case 'n':
                return word("null", null);
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            default:
                return number();
        }
    }

    private Object word(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error(word);
        }
        at += word.length();
        return value;
    }

    private Num number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        if (start == at) {
            throw error("a value");
        }
        return new Num(text.substring(start, at));
    }

    private List<Object> array() {
        at++;
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return items;
        }
        while (true) {
            items.add(value());
            skipSpace();
            char c = next();
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                throw error("',' or ']'");
            }
        }
    }

    private Map<String, Object> object() {
        at++;
        Map<String, Object> fields = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return fields;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("a field name");
            }
            String name = string();
            skipSpace();
            if (next() != ':') {
                throw error("':'");
            }
            fields.put(name, value());
            skipSpace();
            char c = next();
            if (c == '}') {
                return fields;
            }
            if (c != ',') {
                throw error("',' or '}'");
            }
        }
    }

    private String string() {
        int start = ++at;
        int end = text.length();
        int i = start;
        // Most strings have no escapes: one substring, no builder.
        while (i < end) {
            char c = text.charAt(i);
            if (c == '"') {
                at = i + 1;
                return text.substring(start, i);
            }
            if (c == '\\') {
                break;
            }
            i++;
        }
        StringBuilder out = new StringBuilder(i - start + 16).append(text, start, i);
        at = i;
        while (true) {
            int run = at;
            while (at < end && text.charAt(at) != '"' && text.charAt(at) != '\\') {
                at++;
            }
            out.append(text, run, at);
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            char e = next();
            switch (e) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("four hex digits");
                    }
                    out.append((char) Integer.parseInt(text, at, at + 4, 16));
                    at += 4;
                }
                default -> out.append(e);
            }
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private char next() {
        if (at >= text.length()) {
            throw error("more text");
        }
        return text.charAt(at++);
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("malformed journal text: expected " + expected + " at character " + at);
    }
}
