package dev.dualstore;

/** What a failing secondary in {@link Stage#DUAL_WRITE} does to the caller's write. */
public enum DualWriteFailure {
    /**
     * The failure is counted ({@code dualstore.writes} with {@code result=error}) and the key
     * recorded for repair; the caller gets the primary's answer. The default.
     */
    COUNT,
    /**
     * The failure is counted and recorded as with {@link #COUNT}, and the caller gets a
     * {@link DualWriteException}. The primary has already applied the write.
     */
    FAIL
}
