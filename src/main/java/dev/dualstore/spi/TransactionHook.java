package dev.dualstore.spi;

/**
 * Tells dualstore whether the caller's thread is inside a transaction, and how it ends, so that
 * what a call mirrors inside it waits for the commit and is dropped on rollback. Added with
 * {@code MirroringBackend.Builder#transactions(TransactionHook)}; Spring's is
 * {@code dev.dualstore.spring.SpringTransactions.hook()}.
 *
 * <p>Both methods run on the caller's thread, inside the proxy call, so they must be cheap and
 * must not throw. The transaction system must run a listener's methods on the thread that ends
 * the transaction (Spring's synchronizations do), and call {@link Listener#afterCompletion}
 * exactly once for every listener registered, whatever happened before.
 */
public interface TransactionHook {
    /** @return whether the calling thread is in a transaction that will tell a listener how it ends */
    boolean inTransaction();

    /**
     * Registers a listener with the calling thread's transaction; dualstore registers one per
     * backend and transaction. Called only while {@link #inTransaction()} is true.
     */
    void register(Listener listener);

    /** What dualstore does when a transaction ends; runs on the thread that ends it. */
    interface Listener {
        /**
         * The transaction is suspended for another one on this thread (Spring's
         * {@code REQUIRES_NEW}): what is mirrored from now on belongs to the other one.
         */
        void suspend();

        /** The transaction is current on this thread again, after {@link #suspend()}. */
        void resume();

        /** Just before the commit: dualstore takes the write fences of the keys written in it. */
        void beforeCommit();

        /**
         * After the commit or rollback, even when {@link #beforeCommit()} failed or never ran.
         *
         * @param committed true if the transaction committed
         */
        void afterCompletion(boolean committed);
    }
}
