package dev.dualstore;

/**
 * What a secondary store receives. Set per secondary with
 * {@link MirroringBackend.Builder#stage(String, Stage)} and changed at runtime with
 * {@link MirroringBackend#stage(String, Stage)}.
 *
 * <table>
 *   <caption>Stages and the migration phases they serve</caption>
 *   <tr><th>stage</th><th>writes</th><th>reads</th><th>LaunchDarkly's nearest stage</th></tr>
 *   <tr><td>{@link #OFF}</td><td>-</td><td>-</td><td>off, complete</td></tr>
 *   <tr><td>{@link #SHADOW_WRITES}</td><td>shadowed off-thread</td><td>-</td><td>dualwrite (but off-thread), rampdown (the old store)</td></tr>
 *   <tr><td>{@link #SHADOW}</td><td>shadowed off-thread</td><td>mirrored, compared</td><td>shadow; live (the old store, after promote)</td></tr>
 *   <tr><td>{@link #DUAL_WRITE}</td><td>on the caller's thread, after the primary</td><td>mirrored, compared</td><td>none: a synchronous dualwrite that also compares reads</td></tr>
 * </table>
 *
 * <p>Only {@link #DUAL_WRITE} makes the caller wait for a secondary. Its write runs on the
 * caller's thread without dualstore's {@code timeout}, holding the key's lock, so give that
 * store's client a timeout of its own.
 */
public enum Stage {
    /** Receives nothing. */
    OFF(false, false),
    /** Receives the primary's successful writes, off the caller's thread; reads are not mirrored. */
    SHADOW_WRITES(true, false),
    /** Receives writes and reads off the caller's thread; reads are compared. The default. */
    SHADOW(true, true),
    /**
     * Receives each write on the caller's thread, right after the primary, before the call
     * returns: the caller waits for this store. What a failure does is set by
     * {@link MirroringBackend.Builder#dualWriteFailure(DualWriteFailure)}. Reads are mirrored
     * off-thread and compared, as in {@link #SHADOW}.
     */
    DUAL_WRITE(true, true);

    private final boolean writes;
    private final boolean reads;

    Stage(boolean writes, boolean reads) {
        this.writes = writes;
        this.reads = reads;
    }

    /** @return whether a secondary in this stage receives writes */
    public boolean receivesWrites() {
        return writes;
    }

    /** @return whether a secondary in this stage receives reads to compare */
    public boolean receivesReads() {
        return reads;
    }
}
