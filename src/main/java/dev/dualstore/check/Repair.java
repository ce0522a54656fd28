package dev.dualstore.check;

/** What a {@link Check} does about the rows that differ. */
public enum Repair {
    /** Report only; nothing is written. */
    NONE,
    /**
     * Make the target equal to the source: upsert each missing and different row (the source's
     * current value) and delete each extra one.
     */
    COPY_FROM_SOURCE
}
