/**
 * The consistency checker: {@link dev.dualstore.check.Check} proves two {@link
 * dev.dualstore.table.Table}s equal chunk by chunk along the key, hashing each chunk inside each
 * database where the tables can ({@link dev.dualstore.table.RangeHashing}), reading rows only
 * where the hashes differ, and repairs what differs ({@link dev.dualstore.check.Repair}), through
 * a live {@link dev.dualstore.MirroringBackend}'s write fence when one is given.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.check;
