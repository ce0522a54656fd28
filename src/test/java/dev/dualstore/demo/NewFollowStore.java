package dev.dualstore.demo;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The new store, in memory: it stands in for a TAO-like association store keyed by
 * (channel, follower). It differs from the old store in the three ways Twitch's mirrored reads
 * caught:
 *
 * <ul>
 *   <li>{@code followers} picks the right page but returns it in follower order (the sort key),
 *       not newest first: allowed, the contract promises no order;</li>
 *   <li>timestamps come back in the store's own time zone: the same instant, so allowed too;</li>
 *   <li>unfollow is a soft delete, and as shipped {@code followers} forgets to skip deleted edges:
 *       a real bug. {@link #fixed()} is the store after the team fixed it.</li>
 * </ul>
 *
 * Threadsafe.
 */
public final class NewFollowStore implements FollowStore {
    private static final ZoneId STORE_ZONE = ZoneId.of("America/Los_Angeles");

    private record Edge(Instant at, boolean deleted) {}

    private final boolean skipsDeletedInFollowers;
    /** channel -> follower -> edge, each channel's followers sorted by id as a sort key would be. */
    private final Map<String, TreeMap<String, Edge>> edges = new HashMap<>();

    private NewFollowStore(boolean skipsDeletedInFollowers) {
        this.skipsDeletedInFollowers = skipsDeletedInFollowers;
    }

    /** @return the store as first shipped: {@code followers} lists unfollowed users */
    public static NewFollowStore asShipped() {
        return new NewFollowStore(false);
    }

    /** @return the store with the deleted-edge bug fixed */
    public static NewFollowStore fixed() {
        return new NewFollowStore(true);
    }

    @Override
    public synchronized Optional<Follow> getAssoc(String from, String type, String to) {
        if (!FOLLOWS.equals(type)) {
            return Optional.empty();
        }
        Edge edge = edges.getOrDefault(to, new TreeMap<>()).get(from);
        return edge == null || edge.deleted() ? Optional.empty() : Optional.of(follow(from, to, edge));
    }

    @Override
    public synchronized List<Follow> followers(String channel, int limit) {
        TreeMap<String, Edge> followers = edges.getOrDefault(channel, new TreeMap<>());
        // The newest `limit` edges, then back into sort-key order.
        List<String> page = followers.entrySet().stream()
                .filter(e -> !(skipsDeletedInFollowers && e.getValue().deleted()))
                .sorted(Map.Entry.<String, Edge>comparingByValue(Comparator.comparing(Edge::at)).reversed())
                .limit(limit)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        return page.stream().map(from -> follow(from, channel, followers.get(from))).toList();
    }

    @Override
    public synchronized void follow(String from, String to, OffsetDateTime at) {
        TreeMap<String, Edge> followers = edges.computeIfAbsent(to, c -> new TreeMap<>());
        Edge edge = followers.get(from);
        if (edge == null || edge.deleted()) {
            followers.put(from, new Edge(at.toInstant(), false));
        }
    }

    @Override
    public synchronized void unfollow(String from, String to) {
        TreeMap<String, Edge> followers = edges.get(to);
        if (followers != null) {
            followers.computeIfPresent(from, (f, edge) -> new Edge(edge.at(), true));
        }
    }

    private static Follow follow(String from, String to, Edge edge) {
        return new Follow(from, to, edge.at().atZone(STORE_ZONE).toOffsetDateTime());
    }
}
