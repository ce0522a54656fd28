package dev.dualstore.jdbc;

/**
 * One column as the metadata described it when the table was opened.
 *
 * @param name the name rows use (lower case where the database folded an unquoted name to upper case)
 * @param sqlName the name as the database stores it, to be quoted in SQL
 */
record JdbcColumn(String name, String sqlName, int jdbcType, String typeName, int size, int scale, ColumnKind kind) {
    /** The type as a person reads it: {@code numeric(20,6)}, {@code timestamptz(6)}. */
    String describe() {
        return typeName + (size > 0 ? "(" + size + (scale > 0 ? "," + scale : "") + ")" : "");
    }

    boolean sameType(JdbcColumn other) {
        return jdbcType == other.jdbcType && typeName.equalsIgnoreCase(other.typeName) && size == other.size
                && scale == other.scale;
    }
}
