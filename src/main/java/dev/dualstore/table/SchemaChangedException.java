package dev.dualstore.table;

/**
 * A table's schema is no longer the one it had when it was opened: a column was added, dropped,
 * changed type, or entered or left the key. A table fails closed with this exception rather than
 * copy or compare rows under a schema it does not know; the message and {@link #column()} name
 * the column.
 */
public final class SchemaChangedException extends TableException {
    private static final long serialVersionUID = 1L;

    private final String column;

    /**
     * A change of {@code column} in {@code table}.
     *
     * @param table the table's name
     * @param column the column that changed; null when the table itself is gone
     * @param message what changed
     */
    public SchemaChangedException(String table, String column, String message) {
        super(table, message, null);
        this.column = column;
    }

    /** The column that changed; null when the whole table was dropped or renamed. */
    public String column() {
        return column;
    }
}
