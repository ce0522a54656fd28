package dev.dualstore;

/**
 * A write that a secondary may have missed: the shadow write failed, timed out or was rejected
 * because the queue was full. The secondary may now differ from the primary for {@link #key()}
 * until the key is repaired (by the consistency checker or by hand).
 *
 * @param backend the backend's name
 * @param store   the secondary that may have missed the write
 * @param method  the write method
 * @param key     the call's {@link Key} value, or null when the method has none
 * @param reason  why the write may be missing
 * @param cause   what the secondary threw, or null for {@link Reason#TIMEOUT} and {@link Reason#REJECTED}
 */
public record Divergence(String backend, String store, String method, Object key, Reason reason, Throwable cause) {

    /** Why a secondary may have missed a write. */
    public enum Reason {
        /** The secondary threw. */
        ERROR,
        /** The secondary did not answer within the timeout; it may still apply the write. */
        TIMEOUT,
        /** The write was never sent: the secondary's queue was full or the executor refused it. */
        REJECTED,
        /**
         * The secondary applied the write but answered otherwise than the primary (a write of
         * {@code compareWriteResults}): it updated 0 rows where the primary updated 1, say.
         */
        MISMATCH,
        /**
         * A write made in a transaction was handed off after its commit without its key's write
         * fence (a write outside any transaction held the fence, waiting for the transaction's
         * row lock), so it may have reached the secondary out of order with that one.
         */
        UNORDERED
    }
}
