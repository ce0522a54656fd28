package dev.dualstore.table;

/**
 * A table operation failed in the store (the cause, such as an {@code SQLException}, says how).
 * The message names the table and the operation; it carries no row values of dualstore's making.
 */
public class TableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String table;

    /**
     * An exception about {@code table}.
     *
     * @param table the table's name
     * @param message what failed
     * @param cause the store's exception; may be null
     */
    public TableException(String table, String message, Throwable cause) {
        super(message, cause);
        this.table = table;
    }

    /** The name of the table at fault. */
    public String table() {
        return table;
    }
}
