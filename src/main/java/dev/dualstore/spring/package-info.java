/**
 * Spring's transactions as a {@link dev.dualstore.spi.TransactionHook}: mirrored work done inside
 * a Spring-managed transaction waits for its commit and is dropped on rollback. Needs spring-tx,
 * an optional dependency of dualstore.
 *
 * <p>Arguments and return values are never null.
 */
package dev.dualstore.spring;
