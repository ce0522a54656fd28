package dev.dualstore.demo.migration;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The follows service's new store: a TAO-like association table, {@code associations(id1,
 * assoc_type, id2, time_ms, data, updated_at)}, one row per edge of type {@value #FOLLOWS}.
 *
 * <p>As shipped it has the bug the demo's shadow reads find: {@link #following} orders by the
 * table's key (the channel id) instead of newest first, which is what the association table's
 * primary key index gives for free. {@link #deployFix()} switches to the fixed query, as a deploy
 * of the fixed service would. Threadsafe.
 */
final class NewFollowGraph implements EdgeStore {
    /** The association type of a follow edge. */
    static final String FOLLOWS = "follows";
    /** Follows carry no payload; TAO's {@code data} column holds one for other association types. */
    static final String NO_DATA = "{}";

    private final Jdbc jdbc;
    private volatile boolean fixed;

    NewFollowGraph(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** From now on {@link #following} returns newest first, as the old store does. */
    void deployFix() {
        fixed = true;
    }

    boolean fixed() {
        return fixed;
    }

    @Override
    public void follow(long user, long channel, Instant at) {
        jdbc.updateElseInsert("UPDATE associations SET updated_at = ? WHERE id1 = ? AND assoc_type = ? AND id2 = ?",
                new Object[] {Jdbc.utc(at), user, FOLLOWS, channel},
                "INSERT INTO associations (id1, assoc_type, id2, time_ms, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                new Object[] {user, FOLLOWS, channel, at.toEpochMilli(), NO_DATA, Jdbc.utc(at)});
    }

    @Override
    public void unfollow(long user, long channel) {
        jdbc.update("DELETE FROM associations WHERE id1 = ? AND assoc_type = ? AND id2 = ?", user, FOLLOWS, channel);
    }

    @Override
    public boolean isFollowing(long user, long channel) {
        return !jdbc.query("SELECT 1 FROM associations WHERE id1 = ? AND assoc_type = ? AND id2 = ?", row -> 1,
                user, FOLLOWS, channel).isEmpty();
    }

    @Override
    public List<Long> following(long user, int limit) {
        String order = fixed ? " ORDER BY time_ms DESC, id2 DESC" : " ORDER BY id2";
        return jdbc.query("SELECT id2 FROM associations WHERE id1 = ? AND assoc_type = ?" + order + " LIMIT ?",
                row -> row.getLong(1), user, FOLLOWS, limit);
    }

    @Override
    public long followingCount(long user) {
        return jdbc.query("SELECT COUNT(*) FROM associations WHERE id1 = ? AND assoc_type = ?", row -> row.getLong(1),
                user, FOLLOWS).get(0);
    }

    @Override
    public Optional<Edge> edge(long user, long channel) {
        return jdbc.query("SELECT time_ms, updated_at FROM associations WHERE id1 = ? AND assoc_type = ? AND id2 = ?",
                row -> new Edge(user, channel, Instant.ofEpochMilli(row.getLong("time_ms")), Jdbc.instant(row, "updated_at")),
                user, FOLLOWS, channel).stream().findFirst();
    }

    @Override
    public void put(Edge edge) {
        jdbc.updateElseInsert("UPDATE associations SET time_ms = ?, data = ?, updated_at = ?"
                        + " WHERE id1 = ? AND assoc_type = ? AND id2 = ?",
                new Object[] {edge.followedAt().toEpochMilli(), NO_DATA, Jdbc.utc(edge.updatedAt()), edge.user(), FOLLOWS,
                        edge.channel()},
                "INSERT INTO associations (id1, assoc_type, id2, time_ms, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                new Object[] {edge.user(), FOLLOWS, edge.channel(), edge.followedAt().toEpochMilli(), NO_DATA,
                        Jdbc.utc(edge.updatedAt())});
    }

    @Override
    public String toString() {
        return "associations table";
    }
}
