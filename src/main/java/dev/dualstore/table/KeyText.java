package dev.dualstore.table;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** The text form of key values, for {@link RowKey#encode()}: {@code tag:payload}, no comma in a payload. */
final class KeyText {
    private KeyText() {
    }

    static String encode(Object value, int position) {
        if (value instanceof Long) {
            return "l:" + value;
        }
        if (value instanceof String) {
            return "s:" + URLEncoder.encode((String) value, StandardCharsets.UTF_8);
        }
        if (value instanceof Boolean) {
            return "z:" + value;
        }
        if (value instanceof BigDecimal) {
            return "d:" + ((BigDecimal) value).toPlainString();
        }
        if (value instanceof byte[]) {
            return "b:" + Base64.getUrlEncoder().encodeToString((byte[]) value);
        }
        if (value instanceof UUID) {
            return "u:" + value;
        }
        if (value instanceof OffsetDateTime) {
            return "o:" + value;
        }
        if (value instanceof LocalDateTime) {
            return "t:" + value;
        }
        if (value instanceof LocalDate) {
            return "a:" + value;
        }
        if (value instanceof LocalTime) {
            return "h:" + value;
        }
        if (value instanceof Double) {
            return "f:" + value;
        }
        throw new IllegalArgumentException("key value " + position + " is a " + value.getClass().getName()
                + ", which has no text form for a checkpoint");
    }

    static Object decode(String part, String whole) {
        if (part.length() < 2 || part.charAt(1) != ':') {
            throw new IllegalArgumentException("not an encoded key: " + whole);
        }
        String payload = part.substring(2);
        try {
            switch (part.charAt(0)) {
                case 'l':
                    return Long.parseLong(payload);
                case 's':
                    return URLDecoder.decode(payload, StandardCharsets.UTF_8);
                case 'z':
                    return Boolean.parseBoolean(payload);
                case 'd':
                    return new BigDecimal(payload);
                case 'b':
                    return Base64.getUrlDecoder().decode(payload);
                case 'u':
                    return UUID.fromString(payload);
                case 'o':
                    return OffsetDateTime.parse(payload);
                case 't':
                    return LocalDateTime.parse(payload);
                case 'a':
                    return LocalDate.parse(payload);
                case 'h':
                    return LocalTime.parse(payload);
                case 'f':
                    return Double.parseDouble(payload);
                default:
                    throw new IllegalArgumentException("not an encoded key (unknown tag " + part.charAt(0) + "): " + whole);
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("not an encoded key")) {
                throw e;
            }
            throw new IllegalArgumentException("not an encoded key: " + whole, e);
        }
    }
}
