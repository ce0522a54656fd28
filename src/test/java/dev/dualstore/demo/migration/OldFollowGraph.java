package dev.dualstore.demo.migration;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The follows service's store as it is: one relational row per follow, {@code follows(follower_id,
 * followed_id, created_at, updated_at)}. Threadsafe.
 */
final class OldFollowGraph implements EdgeStore {
    private final Jdbc jdbc;

    OldFollowGraph(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public void follow(long user, long channel, Instant at) {
        jdbc.updateElseInsert("UPDATE follows SET updated_at = ? WHERE follower_id = ? AND followed_id = ?",
                new Object[] {Jdbc.utc(at), user, channel},
                "INSERT INTO follows (follower_id, followed_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                new Object[] {user, channel, Jdbc.utc(at), Jdbc.utc(at)});
    }

    @Override
    public void unfollow(long user, long channel) {
        jdbc.update("DELETE FROM follows WHERE follower_id = ? AND followed_id = ?", user, channel);
    }

    @Override
    public boolean isFollowing(long user, long channel) {
        return !jdbc.query("SELECT 1 FROM follows WHERE follower_id = ? AND followed_id = ?", row -> 1, user, channel)
                .isEmpty();
    }

    @Override
    public List<Long> following(long user, int limit) {
        return jdbc.query("SELECT followed_id FROM follows WHERE follower_id = ?"
                + " ORDER BY created_at DESC, followed_id DESC LIMIT ?", row -> row.getLong(1), user, limit);
    }

    @Override
    public long followingCount(long user) {
        return jdbc.query("SELECT COUNT(*) FROM follows WHERE follower_id = ?", row -> row.getLong(1), user).get(0);
    }

    @Override
    public Optional<Edge> edge(long user, long channel) {
        return jdbc.query("SELECT created_at, updated_at FROM follows WHERE follower_id = ? AND followed_id = ?",
                row -> new Edge(user, channel, Jdbc.instant(row, "created_at"), Jdbc.instant(row, "updated_at")),
                user, channel).stream().findFirst();
    }

    @Override
    public void put(Edge edge) {
        jdbc.updateElseInsert("UPDATE follows SET created_at = ?, updated_at = ? WHERE follower_id = ? AND followed_id = ?",
                new Object[] {Jdbc.utc(edge.followedAt()), Jdbc.utc(edge.updatedAt()), edge.user(), edge.channel()},
                "INSERT INTO follows (follower_id, followed_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                new Object[] {edge.user(), edge.channel(), Jdbc.utc(edge.followedAt()), Jdbc.utc(edge.updatedAt())});
    }

    @Override
    public String toString() {
        return "follows table";
    }
}
