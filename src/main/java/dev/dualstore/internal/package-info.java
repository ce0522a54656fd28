/**
 * The engine behind {@link dev.dualstore.MirroringBackend}, one job per class: the method table
 * (built and validated at {@code build()}), the proxy handler (the whole caller's path), the
 * write fence, the dispatcher with its lanes, drainers and workers, the secondary runner, the
 * reporter and its mailbox, the meters, the guarded callbacks and the switchboard (promote,
 * stage, repair, close). Not exported; nothing outside the library may depend on it.
 */
package dev.dualstore.internal;
