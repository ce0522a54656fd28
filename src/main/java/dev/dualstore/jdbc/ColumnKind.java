package dev.dualstore.jdbc;

import java.sql.Types;
import java.util.Locale;

/** What Java type a column's values have in rows, decided once from the column's metadata. */
enum ColumnKind {
    BOOLEAN, INTEGER, DECIMAL, DOUBLE, REAL, TEXT, BYTES, UUID, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, OTHER;

    static ColumnKind of(Dialect dialect, int jdbcType, String typeName, int size) {
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (type.equals("uuid")) {
            return UUID;
        }
        if (jdbcType == Types.TIME_WITH_TIMEZONE || type.equals("timetz")) {
            return OTHER;
        }
        if (dialect == Dialect.MARIADB && type.startsWith("timestamp")) {
            return TIMESTAMPTZ; // MariaDB's TIMESTAMP holds an instant (stored in UTC); DATETIME does not.
        }
        if (jdbcType == Types.TIMESTAMP_WITH_TIMEZONE || type.equals("timestamptz") || type.contains("with time zone")) {
            return TIMESTAMPTZ;
        }
        if (dialect == Dialect.MARIADB && type.contains("bigint") && type.contains("unsigned")) {
            return DECIMAL; // may exceed a long
        }
        switch (jdbcType) {
            case Types.BIT:
                return size <= 1 || type.startsWith("bool") ? BOOLEAN : OTHER;
            case Types.BOOLEAN:
                return BOOLEAN;
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
                return INTEGER;
            case Types.NUMERIC:
            case Types.DECIMAL:
                return DECIMAL;
            case Types.REAL:
                return REAL;
            case Types.FLOAT:
            case Types.DOUBLE:
                return DOUBLE;
            case Types.CHAR:
            case Types.VARCHAR:
            case Types.LONGVARCHAR:
            case Types.NCHAR:
            case Types.NVARCHAR:
            case Types.LONGNVARCHAR:
            case Types.CLOB:
            case Types.NCLOB:
                return TEXT;
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                return BYTES;
            case Types.DATE:
                return DATE;
            case Types.TIME:
                return TIME;
            case Types.TIMESTAMP:
                return TIMESTAMP;
            default:
                return OTHER;
        }
    }
}
