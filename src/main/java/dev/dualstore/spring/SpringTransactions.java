package dev.dualstore.spring;

import dev.dualstore.spi.TransactionHook;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's transactions for dualstore: inside a Spring-managed transaction
 * ({@code @Transactional}, {@code TransactionTemplate}), what a proxy call mirrors is handed to the
 * secondaries after the commit and dropped on rollback. Needs spring-tx (5.3 or later) on the
 * class path; dualstore declares it optional, so a service without Spring never needs it.
 *
 * <pre>{@code
 * MirroringBackend.builder(OwnerRepository.class)
 *         .primary("jdbc", jdbcOwners).secondary("jpa", jpaOwners)
 *         .transactions(SpringTransactions.hook())
 *         .build();
 * }</pre>
 *
 * The hook follows the transaction bound to the calling thread by Spring's
 * {@code TransactionSynchronizationManager}, whichever transaction manager bound it. Stateless and
 * threadsafe.
 */
public final class SpringTransactions {
    private SpringTransactions() {}

    /** @return the hook, to pass to {@code MirroringBackend.Builder#transactions} */
    public static TransactionHook hook() {
        return Hook.INSTANCE;
    }

    private enum Hook implements TransactionHook {
        INSTANCE;

        @Override
        public boolean inTransaction() {
            return TransactionSynchronizationManager.isSynchronizationActive()
                    && TransactionSynchronizationManager.isActualTransactionActive();
        }

        @Override
        public void register(Listener listener) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void suspend() {
                    listener.suspend();
                }

                @Override
                public void resume() {
                    listener.resume();
                }

                @Override
                public void beforeCommit(boolean readOnly) {
                    listener.beforeCommit();
                }

                @Override
                public void afterCompletion(int status) {
                    listener.afterCompletion(status == STATUS_COMMITTED);
                }
            });
        }
    }
}
