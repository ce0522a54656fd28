package dev.dualstore.demo.migration;

import dev.dualstore.table.Columns;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The old {@code follows} table seen with the new table's key: {@code (follower_id, assoc_type,
 * followed_id)}, where {@code assoc_type} is {@value NewFollowGraph#FOLLOWS} on every row.
 *
 * <p>A backfill and a check pair each source key with a target key of the same values, and the
 * association table's key has the association type in the middle, which the old table never
 * needed. This read-only view adds it, so that {@link dev.dualstore.backfill.Backfill} and {@link
 * dev.dualstore.check.Check} walk both tables in the same key order; the rest of the schema change
 * (renames, milliseconds, the payload) is the {@link dev.dualstore.table.RowMapping} of {@link
 * MigrationDemo}. Key ranges are the old table's with the constant left out, so the view's rows
 * come in the same order. Immutable and threadsafe.
 */
final class FollowsByAssociationKey implements Table {
    static final String TYPE_COLUMN = "assoc_type";

    private final Table follows;
    private final Columns columns;

    /** @param follows the old table, keyed by {@code (follower_id, followed_id)} */
    FollowsByAssociationKey(Table follows) {
        this.follows = Objects.requireNonNull(follows, "follows");
        List<String> key = follows.columns().keyNames();
        if (!key.equals(List.of("follower_id", "followed_id"))) {
            throw new IllegalArgumentException("table " + follows.name() + " has key " + key
                    + "; this view needs (follower_id, followed_id)");
        }
        List<String> names = new ArrayList<>(follows.columns().names());
        names.add(names.indexOf("followed_id"), TYPE_COLUMN);
        this.columns = Columns.of(names, List.of("follower_id", TYPE_COLUMN, "followed_id"));
    }

    @Override
    public String name() {
        return follows.name();
    }

    @Override
    public Columns columns() {
        return columns;
    }

    @Override
    public List<Row> scan(KeyRange range, int limit) {
        List<Row> rows = new ArrayList<>();
        for (Row row : follows.scan(toFollows(range), limit)) {
            rows.add(withType(row));
        }
        return rows;
    }

    @Override
    public Map<RowKey, Row> read(Collection<RowKey> keys) {
        List<RowKey> wanted = new ArrayList<>();
        for (RowKey key : keys) {
            if (isFollow(key)) {
                wanted.add(toFollows(key));
            }
        }
        Map<RowKey, Row> found = new LinkedHashMap<>();
        follows.read(wanted).forEach((key, row) -> found.put(RowKey.of(key.get(0), NewFollowGraph.FOLLOWS, key.get(1)),
                withType(row)));
        return found;
    }

    /** Always throws: the view is only ever a source. */
    @Override
    public void upsert(List<Row> rows) {
        throw new UnsupportedOperationException("the view of " + follows.name() + " by association key is read-only");
    }

    /** Always throws: the view is only ever a source. */
    @Override
    public void delete(Collection<RowKey> keys) {
        throw new UnsupportedOperationException("the view of " + follows.name() + " by association key is read-only");
    }

    private static Row withType(Row row) {
        return row.with(TYPE_COLUMN, NewFollowGraph.FOLLOWS);
    }

    private static boolean isFollow(RowKey key) {
        return key.size() == 3 && NewFollowGraph.FOLLOWS.equals(key.get(1));
    }

    private RowKey toFollows(RowKey key) {
        if (!isFollow(key)) {
            // Ranges are only ever bounded by keys this view returned, which are whole follow keys.
            throw new IllegalArgumentException("key " + key + " is not a whole key of the view of " + follows.name()
                    + " (follower_id, '" + NewFollowGraph.FOLLOWS + "', followed_id)");
        }
        return RowKey.of(key.get(0), key.get(2));
    }

    private KeyRange toFollows(KeyRange range) {
        KeyRange mapped = KeyRange.all();
        if (range.lower().isPresent()) {
            KeyRange.Bound lower = range.lower().get();
            mapped = lower.inclusive() ? mapped.from(toFollows(lower.key())) : mapped.after(toFollows(lower.key()));
        }
        if (range.upper().isPresent()) {
            KeyRange.Bound upper = range.upper().get();
            mapped = upper.inclusive() ? mapped.through(toFollows(upper.key())) : mapped.before(toFollows(upper.key()));
        }
        return mapped;
    }

    @Override
    public String toString() {
        return "view of " + follows.name() + " by association key";
    }
}
