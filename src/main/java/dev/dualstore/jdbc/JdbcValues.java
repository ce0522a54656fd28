package dev.dualstore.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Values between rows and JDBC, both ways, one rule per {@link ColumnKind}: what a column's value
 * is in a row ({@link #read}), what a row's value may be for a column ({@link #coerce}), how it is
 * bound ({@link #bind}) and how it is written in PostgreSQL's {@code COPY} text format ({@link
 * #appendCopyText}). Stateless.
 */
final class JdbcValues {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000};

    private JdbcValues() {
    }

    /** The value of column {@code index} of the current row, in the row's canonical type; null for NULL. */
    static Object read(ResultSet rs, int index, JdbcColumn column, Dialect dialect) throws SQLException {
        switch (column.kind()) {
            case BOOLEAN: {
                boolean value = rs.getBoolean(index);
                return rs.wasNull() ? null : value;
            }
            case INTEGER: {
                long value = rs.getLong(index);
                return rs.wasNull() ? null : value;
            }
            case DECIMAL:
                return rs.getBigDecimal(index);
            case DOUBLE: {
                double value = rs.getDouble(index);
                return rs.wasNull() ? null : value;
            }
            case REAL: {
                float value = rs.getFloat(index);
                return rs.wasNull() ? null : value;
            }
            case TEXT:
                return rs.getString(index);
            case BYTES:
                return rs.getBytes(index);
            case UUID:
                if (dialect == Dialect.MARIADB) {
                    String text = rs.getString(index);
                    return text == null ? null : UUID.fromString(text);
                }
                return rs.getObject(index, UUID.class);
            case DATE:
                return rs.getObject(index, LocalDate.class);
            case TIME:
                return rs.getObject(index, LocalTime.class);
            case TIMESTAMP:
                return rs.getObject(index, LocalDateTime.class);
            case TIMESTAMPTZ:
                if (dialect == Dialect.MARIADB) {
                    // The session time zone is UTC during the call (JdbcTable sets it), so the wall clock is UTC.
                    LocalDateTime utc = rs.getObject(index, LocalDateTime.class);
                    return utc == null ? null : utc.atOffset(ZoneOffset.UTC);
                }
                OffsetDateTime time = rs.getObject(index, OffsetDateTime.class);
                return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC);
            default:
                return dialect == Dialect.POSTGRESQL ? rs.getString(index) : rs.getObject(index);
        }
    }

    /**
     * A row's value as the type the column takes.
     *
     * @throws IllegalArgumentException naming the column if the value does not fit it
     */
    static Object coerce(Object value, JdbcColumn column, String table) {
        if (value == null) {
            return null;
        }
        switch (column.kind()) {
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof Long && ((Long) value == 0 || (Long) value == 1)) {
                    return (Long) value == 1;
                }
                break;
            case INTEGER:
                if (value instanceof Long) {
                    return value;
                }
                try {
                    if (value instanceof BigDecimal) {
                        return ((BigDecimal) value).longValueExact();
                    }
                    if (value instanceof BigInteger) {
                        return ((BigInteger) value).longValueExact();
                    }
                } catch (ArithmeticException notIntegral) {
                    throw misfit(value, column, table, " (not an integer that fits a long)");
                }
                break;
            case DECIMAL:
                if (value instanceof BigDecimal) {
                    return value;
                }
                if (value instanceof Long) {
                    return BigDecimal.valueOf((Long) value);
                }
                if (value instanceof BigInteger) {
                    return new BigDecimal((BigInteger) value);
                }
                break;
            case DOUBLE:
                if (value instanceof Double || value instanceof Float || value instanceof Long) {
                    return ((Number) value).doubleValue();
                }
                break;
            case REAL:
                if (value instanceof Float || value instanceof Long) {
                    return ((Number) value).floatValue();
                }
                break;
            case TEXT:
                if (value instanceof String) {
                    return value;
                }
                if (value instanceof UUID) {
                    return value.toString();
                }
                break;
            case BYTES:
                if (value instanceof byte[]) {
                    return value;
                }
                break;
            case UUID:
                if (value instanceof UUID) {
                    return value;
                }
                if (value instanceof String) {
                    try {
                        return UUID.fromString((String) value);
                    } catch (IllegalArgumentException notUuid) {
                        throw misfit(value, column, table, " (not a UUID)");
                    }
                }
                break;
            case DATE:
                if (value instanceof LocalDate) {
                    return value;
                }
                break;
            // Sub-microsecond digits are cut here: PostgreSQL would round them, MariaDB truncate, and the
            // same row must be the same in every store.
            case TIME:
                if (value instanceof LocalTime) {
                    return ((LocalTime) value).truncatedTo(ChronoUnit.MICROS);
                }
                break;
            case TIMESTAMP:
                if (value instanceof LocalDateTime) {
                    return ((LocalDateTime) value).truncatedTo(ChronoUnit.MICROS);
                }
                break;
            case TIMESTAMPTZ:
                if (value instanceof OffsetDateTime) {
                    return ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
                }
                break;
            default:
                return value;
        }
        throw misfit(value, column, table, "");
    }

    private static IllegalArgumentException misfit(Object value, JdbcColumn column, String table, String why) {
        return new IllegalArgumentException("column " + column.name() + " of table " + table + " is "
                + column.describe() + " (" + column.kind().name().toLowerCase(java.util.Locale.ROOT)
                + "); a " + value.getClass().getName() + " does not fit" + why);
    }

    /** Binds a value {@link #coerce}d for the column. */
    static void bind(PreparedStatement statement, int index, Object value, JdbcColumn column, Dialect dialect)
            throws SQLException {
        if (value == null) {
            // PostgreSQL infers an untyped NULL from the column it goes to; the others take the column's type.
            statement.setNull(index, dialect == Dialect.POSTGRESQL ? Types.OTHER : column.jdbcType());
            return;
        }
        switch (column.kind()) {
            case BOOLEAN:
                statement.setBoolean(index, (Boolean) value);
                return;
            case INTEGER:
                statement.setLong(index, (Long) value);
                return;
            case DECIMAL:
                statement.setBigDecimal(index, (BigDecimal) value);
                return;
            case DOUBLE:
                statement.setDouble(index, (Double) value);
                return;
            case REAL:
                statement.setFloat(index, (Float) value);
                return;
            case TEXT:
                statement.setString(index, (String) value);
                return;
            case BYTES:
                statement.setBytes(index, (byte[]) value);
                return;
            case UUID:
                if (dialect == Dialect.MARIADB) {
                    statement.setString(index, value.toString());
                } else {
                    statement.setObject(index, value);
                }
                return;
            case TIMESTAMPTZ:
                if (dialect == Dialect.MARIADB) {
                    statement.setObject(index, ((OffsetDateTime) value).toLocalDateTime()); // UTC session, see read
                } else {
                    statement.setObject(index, value);
                }
                return;
            case OTHER:
                if (dialect == Dialect.POSTGRESQL && value instanceof String) {
                    statement.setObject(index, value, Types.OTHER); // json, enums, arrays: the server casts the text
                } else {
                    statement.setObject(index, value);
                }
                return;
            default:
                statement.setObject(index, value);
        }
    }

    /** Appends a value {@link #coerce}d for the column in COPY's text format (tab-separated, NULL as \N). */
    static void appendCopyText(StringBuilder out, Object value, JdbcColumn column) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        switch (column.kind()) {
            case BOOLEAN:
                out.append((Boolean) value ? 't' : 'f');
                return;
            case DECIMAL:
                out.append(((BigDecimal) value).toPlainString());
                return;
            case BYTES:
                out.append("\\\\x"); // bytea's hex form, its backslash escaped for COPY
                for (byte b : (byte[]) value) {
                    out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                }
                return;
            case TIMESTAMP:
                appendMicros(out, (LocalDateTime) value);
                return;
            case TIMESTAMPTZ:
                appendMicros(out, ((OffsetDateTime) value).toLocalDateTime());
                out.append("+00");
                return;
            case INTEGER:
            case DOUBLE:
            case REAL:
            case UUID:
            case DATE:
            case TIME:
                out.append(value);
                return;
            default:
                escapeCopyText(out, value.toString());
        }
    }

    /** {@code uuuu-MM-dd HH:mm:ss.SSSSSS} without a formatter's per-field work; years 0 to 9999 only. */
    static void appendMicros(StringBuilder out, LocalDateTime time) {
        int year = time.getYear();
        if (year < 0 || year > 9999) {
            out.append(MICROS.format(time));
            return;
        }
        digits(out, year, 4).append('-');
        digits(out, time.getMonthValue(), 2).append('-');
        digits(out, time.getDayOfMonth(), 2).append(' ');
        digits(out, time.getHour(), 2).append(':');
        digits(out, time.getMinute(), 2).append(':');
        digits(out, time.getSecond(), 2).append('.');
        digits(out, time.getNano() / 1000, 6);
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int divisor = POWERS_OF_TEN[width - 1]; divisor > 0; divisor /= 10) {
            out.append((char) ('0' + value / divisor % 10));
        }
        return out;
    }

    private static void escapeCopyText(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    out.append(c);
            }
        }
    }
}
