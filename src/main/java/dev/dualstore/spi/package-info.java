/**
 * What other layers plug into, without reaching the engine: an {@link dev.dualstore.spi.Invocation}
 * describes one call the primary answered, and a {@link dev.dualstore.spi.WriteObserver} receives
 * every write the primary applied, in per-key order, off the caller's thread. The write journal is
 * built on it.
 * A {@link dev.dualstore.spi.MigrationControl} holds the step a fleet of instances is at, and
 * each instance's acknowledgement of it under a lease.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.spi;
