package dev.dualstore.demo;

import dev.dualstore.Key;
import dev.dualstore.Read;
import dev.dualstore.Write;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The DAO a follows service already calls (Twitch's example), classified for dualstore with
 * annotations.
 *
 * <p>Every method is keyed by the channel: {@link #followers} reads every edge into a channel, so
 * the writes to those edges must share its key. Then the new store receives a channel's follows
 * and unfollows in the order the old store applied them, a {@code followers} read that races a
 * follow of the same channel is counted {@code raced} rather than {@code mismatch}, and a sample
 * rate below 100% keeps a channel in or out as a whole.
 *
 * <p>Implementations must be threadsafe: dualstore calls secondaries on its own threads.
 */
public interface FollowStore {

    /** The association type of a follow edge. */
    String FOLLOWS = "follows";

    /**
     * @param from a user
     * @param type the association type; only {@link #FOLLOWS} exists
     * @param to   a channel
     * @return the edge, if {@code from} follows {@code to}
     */
    @Read
    Optional<Follow> getAssoc(String from, String type, @Key String to);

    /**
     * @param channel a channel
     * @param limit   how many followers at most
     * @return the channel's {@code limit} newest followers, in no particular order (the service
     *         notifies them all when the channel goes live)
     */
    @Read
    List<Follow> followers(@Key String channel, int limit);

    /**
     * Records that {@code from} follows {@code to}; does nothing if it already does. The caller
     * passes the time so that every store records the same one.
     *
     * @param from a user
     * @param to   a channel
     * @param at   when
     */
    @Write
    void follow(String from, @Key String to, OffsetDateTime at);

    /**
     * Removes the edge, if any.
     *
     * @param from a user
     * @param to   a channel
     */
    @Write
    void unfollow(String from, @Key String to);
}
