package dev.dualstore.demo.migration;

import dev.dualstore.Key;
import dev.dualstore.Read;
import dev.dualstore.Write;
import java.time.Instant;
import java.util.List;

/**
 * The follows DAO of the migration demo: users follow channels (both are numeric ids, as at
 * Twitch). Every method is keyed by the user, so that dualstore shadows one user's writes in the
 * order the primary applied them, counts a read that overlaps a write of the same user as {@code
 * raced} rather than as a mismatch, and samples by user: at a 10% rollout a user's reads are all
 * compared or none is.
 *
 * <p>Implementations must be threadsafe: dualstore calls secondaries on its own threads.
 */
public interface FollowGraph {

    /**
     * Records that {@code user} follows {@code channel}. Following again keeps the first time and
     * records the new one as the edge's last update. The caller passes the time, to the
     * millisecond, so that every store records the same one.
     */
    @Write
    void follow(@Key long user, long channel, Instant at);

    /** Removes the edge, if there is one. */
    @Write
    void unfollow(@Key long user, long channel);

    /** @return whether {@code user} follows {@code channel} */
    @Read
    boolean isFollowing(@Key long user, long channel);

    /** @return the channels {@code user} follows, newest follow first (ties: higher channel id first), at most {@code limit} */
    @Read
    List<Long> following(@Key long user, int limit);

    /** @return how many channels {@code user} follows */
    @Read
    long followingCount(@Key long user);
}
