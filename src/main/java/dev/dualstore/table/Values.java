package dev.dualstore.table;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Objects;

/** The one place where a column value becomes the canonical form that keys and rows hold. */
final class Values {
    private Values() {
    }

    /**
     * Integral numbers narrower than long become Long, instants become an OffsetDateTime at UTC,
     * byte arrays are copied; everything else is kept as given.
     */
    static Object canonical(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof OffsetDateTime) {
            OffsetDateTime time = (OffsetDateTime) value;
            return time.getOffset().equals(ZoneOffset.UTC) ? time : time.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Instant) {
            return ((Instant) value).atOffset(ZoneOffset.UTC);
        }
        if (value instanceof ZonedDateTime) {
            return ((ZonedDateTime) value).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).clone();
        }
        return value;
    }

    /** What a caller gets back: a copy of a byte array, so the holder stays immutable. */
    static Object exposed(Object value) {
        return value instanceof byte[] ? ((byte[]) value).clone() : value;
    }

    /** Byte arrays by content, decimals by numeric value (1.5 equals 1.50), the rest by equals. */
    static boolean equal(Object a, Object b) {
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        if (a instanceof BigDecimal && b instanceof BigDecimal) {
            return ((BigDecimal) a).compareTo((BigDecimal) b) == 0;
        }
        return Objects.equals(a, b);
    }

    static int hash(Object value) {
        if (value instanceof byte[]) {
            return Arrays.hashCode((byte[]) value);
        }
        if (value instanceof BigDecimal) {
            BigDecimal decimal = (BigDecimal) value;
            return decimal.signum() == 0 ? 0 : decimal.stripTrailingZeros().hashCode();
        }
        return Objects.hashCode(value);
    }

    static String show(Object value) {
        if (value instanceof byte[]) {
            StringBuilder hex = new StringBuilder("0x");
            for (byte b : (byte[]) value) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        }
        if (value instanceof String) {
            return "'" + value + "'";
        }
        return String.valueOf(value);
    }
}
