/**
 * Copying what exists: {@link dev.dualstore.backfill.Backfill} copies a {@link
 * dev.dualstore.table.Table} into another in chunks of its key space, in parallel, throttled and
 * resumable through {@link dev.dualstore.table.Checkpoints}, and with {@link
 * dev.dualstore.backfill.LiveWrites} it stays correct while a {@code MirroringBackend} shadows live
 * writes into the target.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.backfill;
