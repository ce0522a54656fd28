package dev.dualstore.demo;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The old store, in memory: it stands in for the PostgreSQL table the service is leaving. Hard
 * deletes, timestamps in UTC, followers newest first. Threadsafe.
 */
public final class OldFollowStore implements FollowStore {
    private final Map<String, Map<String, Follow>> byChannel = new HashMap<>();

    @Override
    public synchronized Optional<Follow> getAssoc(String from, String type, String to) {
        if (!FOLLOWS.equals(type)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byChannel.getOrDefault(to, Map.of()).get(from));
    }

    @Override
    public synchronized List<Follow> followers(String channel, int limit) {
        return byChannel.getOrDefault(channel, Map.of()).values().stream()
                .sorted(Comparator.comparing(Follow::followedAt).reversed().thenComparing(Follow::from))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized void follow(String from, String to, OffsetDateTime at) {
        byChannel.computeIfAbsent(to, c -> new LinkedHashMap<>())
                .putIfAbsent(from, new Follow(from, to, at.withOffsetSameInstant(ZoneOffset.UTC)));
    }

    @Override
    public synchronized void unfollow(String from, String to) {
        Map<String, Follow> followers = byChannel.get(to);
        if (followers != null) {
            followers.remove(from);
        }
    }
}
