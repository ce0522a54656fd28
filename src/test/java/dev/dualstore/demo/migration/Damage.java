package dev.dualstore.demo.migration;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Rows damaged in 'new' on purpose before the check, as real copies get damaged, each kind with a
 * reason the demo prints. Immutable.
 *
 * @param missing   rows deleted from 'new'
 * @param different rows of 'new' whose {@code time_ms} was moved by an hour
 * @param extra     follows added to 'new' that 'old' does not have
 */
record Damage(List<RowKey> missing, List<RowKey> different, List<RowKey> extra) {
    Damage {
        missing = List.copyOf(missing);
        different = List.copyOf(different);
        extra = List.copyOf(extra);
    }

    /** @return every damaged key */
    Set<RowKey> keys() {
        Set<RowKey> all = new LinkedHashSet<>(missing);
        all.addAll(different);
        all.addAll(extra);
        return all;
    }

    /**
     * Damages {@code damagePerKind} rows of each kind in 'new', in the rows of users the traffic
     * never touches, chosen from the seed: deletes some, moves the time of others by an hour, and
     * adds follows 'old' does not have.
     */
    static Damage make(MigrationDemo.Settings settings, Table oldTable, OldFollowGraph oldGraph, NewFollowGraph newGraph,
            DemoDatabases databases) {
        SplittableRandom random = new SplittableRandom(settings.seed() ^ 0xDA3A6EL);
        List<RowKey> dormant = new ArrayList<>();
        oldTable.stream(KeyRange.all().after(RowKey.of((long) settings.activeUsers(), Long.MAX_VALUE)), 5_000)
                .forEach(row -> dormant.add(RowKey.of(row.get("follower_id"), NewFollowGraph.FOLLOWS, row.get("followed_id"))));
        int perKind = settings.damagePerKind();
        if (dormant.size() < 2 * perKind) {
            throw new IllegalStateException("only " + dormant.size() + " follows of users the traffic leaves alone; "
                    + (2 * perKind) + " needed to damage (more users or fewer damaged rows)");
        }
        List<RowKey> picked = new ArrayList<>();
        while (picked.size() < 2 * perKind) {
            RowKey key = dormant.get(random.nextInt(dormant.size()));
            if (!picked.contains(key)) {
                picked.add(key);
            }
        }
        List<RowKey> missing = picked.subList(0, perKind);
        List<RowKey> different = picked.subList(perKind, 2 * perKind);
        for (RowKey key : missing) {
            databases.executeOnNew("DELETE FROM associations WHERE id1 = " + key.get(0) + " AND assoc_type = '"
                    + NewFollowGraph.FOLLOWS + "' AND id2 = " + key.get(2));
        }
        for (RowKey key : different) {
            databases.executeOnNew("UPDATE associations SET time_ms = time_ms + 3600000 WHERE id1 = " + key.get(0)
                    + " AND assoc_type = '" + NewFollowGraph.FOLLOWS + "' AND id2 = " + key.get(2));
        }
        List<RowKey> extra = new ArrayList<>();
        while (extra.size() < perKind) {
            long user = settings.activeUsers() + 1 + random.nextInt(settings.users() - settings.activeUsers());
            long channel = 1 + random.nextInt(settings.channels());
            RowKey key = RowKey.of(user, NewFollowGraph.FOLLOWS, channel);
            if (!oldGraph.isFollowing(user, channel) && !extra.contains(key)) {
                Instant at = Instant.parse("2024-06-01T12:00:00Z");
                newGraph.put(new Edge(user, channel, at, at));
                extra.add(key);
            }
        }
        return new Damage(missing, different, extra);
    }
}
