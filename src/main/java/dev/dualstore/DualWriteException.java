package dev.dualstore;

/**
 * Thrown to the caller when a secondary in {@link Stage#DUAL_WRITE} fails a write and the policy
 * is {@link DualWriteFailure#FAIL}. The primary has applied the write; the cause is the
 * secondary's exception.
 */
public final class DualWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String store;
    private final String method;

    /**
     * @param store  the secondary that failed
     * @param method the method called
     * @param cause  what the secondary threw
     */
    public DualWriteException(String store, String method, Throwable cause) {
        super("dual write of " + method + " to secondary '" + store + "' failed: " + cause, cause);
        this.store = store;
        this.method = method;
    }

    /** @return the secondary that failed */
    public String store() {
        return store;
    }

    /** @return the method called */
    public String method() {
        return method;
    }
}
