package dev.dualstore.check;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.Table;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Compares the rows of one key range of both tables and repairs what differs. A row that the
 * target keeps in another range (its key order differs, e.g. by collation) is found by reading
 * its key in the other table, so it is neither missing here nor extra there. Stateless apart from
 * the run's {@link Findings}; called from the run's threads.
 */
final class ChunkDiff {
    private static final int PAGE_ROWS = 2_000;

    private final Check check;
    private final Table source;
    private final Table target;
    private final RowMapping mapping;
    private final List<String> columns;
    private final Findings findings;
    private final Instant cutoff;

    ChunkDiff(Check check, List<String> columns, Findings findings, Instant cutoff) {
        this.check = check;
        this.source = check.source;
        this.target = check.target;
        this.mapping = check.mapping != null ? check.mapping : RowMapping.identity();
        this.columns = columns;
        this.findings = findings;
        this.cutoff = cutoff;
    }

    /**
     * Compares {@code range} row by row; {@code sourceRows} are its source rows if already read.
     *
     * @return whether every row was equal
     */
    boolean diff(KeyRange range, List<Row> sourceRows) throws Exception {
        Map<RowKey, Row> sources = new LinkedHashMap<>();
        try (Stream<Row> rows = sourceRows != null ? sourceRows.stream() : source.stream(range, PAGE_ROWS)) {
            rows.forEach(row -> sources.put(source.columns().keyOf(row), row));
        }
        List<Difference> found = new ArrayList<>();
        Map<RowKey, Row> matched = new HashMap<>();
        Map<RowKey, Row> strays = new LinkedHashMap<>();
        long[] equal = {0};
        long[] skipped = {0};
        // The target side is streamed: a range may hold far more target rows than source rows.
        try (Stream<Row> rows = target.stream(range, PAGE_ROWS)) {
            Iterator<Row> each = rows.iterator();
            while (each.hasNext()) {
                Row theirs = each.next();
                RowKey key = target.columns().keyOf(theirs);
                Row mine = sources.get(key);
                if (mine != null) {
                    matched.put(key, theirs);
                } else if (inFlight(theirs)) {
                    findings.inFlight();
                } else {
                    strays.put(key, theirs);
                    if (strays.size() >= PAGE_ROWS) {
                        extras(strays, found);
                    }
                }
            }
        }
        extras(strays, found);
        List<RowKey> absent = new ArrayList<>();
        for (Map.Entry<RowKey, Row> entry : sources.entrySet()) {
            Row theirs = matched.get(entry.getKey());
            if (inFlight(entry.getValue()) || (theirs != null && inFlight(theirs))) {
                findings.inFlight();
                skipped[0]++;
            } else if (theirs == null) {
                absent.add(entry.getKey());
            } else if (!compare(entry.getKey(), entry.getValue(), theirs, found)) {
                equal[0]++;
            }
        }
        if (!absent.isEmpty()) {
            // A source row the target keeps in another range (its key order differs) is compared here.
            Map<RowKey, Row> elsewhere = target.read(absent);
            for (RowKey key : absent) {
                Row theirs = elsewhere.get(key);
                if (theirs == null) {
                    found.add(new Difference(Difference.Kind.MISSING, key, List.of(),
                            Optional.of(project(mapping.map(sources.get(key)))), Optional.empty()));
                } else if (!compare(key, sources.get(key), theirs, found)) {
                    equal[0]++;
                }
            }
        }
        long compared = sources.size() - skipped[0];
        findings.comparedOnly(compared - equal[0]);
        findings.matched(equal[0]);
        found.forEach(findings::found);
        repair(found, sources);
        return found.isEmpty();
    }

    /**
     * Target rows whose key the source range lacks: extra unless the source has the key in another
     * range (its key order differs), where that range's comparison finds it. Empties {@code strays}.
     */
    private void extras(Map<RowKey, Row> strays, List<Difference> found) {
        if (strays.isEmpty()) {
            return;
        }
        Map<RowKey, Row> owned = source.read(new ArrayList<>(strays.keySet()));
        for (Map.Entry<RowKey, Row> entry : strays.entrySet()) {
            if (!owned.containsKey(entry.getKey())) {
                found.add(new Difference(Difference.Kind.EXTRA, entry.getKey(), List.of(), Optional.empty(),
                        Optional.of(project(entry.getValue()))));
            }
        }
        strays.clear();
    }

    /** Compares one pair; adds a difference and returns true if they differ. */
    private boolean compare(RowKey key, Row mine, Row theirs, List<Difference> found) {
        Row expected = project(mapping.map(mine));
        Row actual = project(theirs);
        if (expected.equals(actual)) {
            return false;
        }
        List<String> differing = new ArrayList<>();
        for (String column : columns) {
            if (!Row.of(single(column, expected.get(column))).equals(Row.of(single(column, actual.get(column))))) {
                differing.add(column);
            }
        }
        found.add(new Difference(Difference.Kind.DIFFERENT, key, differing, Optional.of(expected), Optional.of(actual)));
        return true;
    }

    private static Map<String, Object> single(String column, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(column, value);
        return map;
    }

    /** The compared columns of a target-shaped row, in order. */
    Row project(Row row) {
        Row.Builder projected = Row.builder();
        for (String column : columns) {
            projected.set(column, row.get(column));
        }
        return projected.build();
    }

    private boolean inFlight(Row row) {
        if (cutoff == null) {
            return false;
        }
        Object changed = row.get(check.changedColumn);
        Instant at = changed instanceof OffsetDateTime ? ((OffsetDateTime) changed).toInstant()
                : changed instanceof LocalDateTime ? ((LocalDateTime) changed).toInstant(ZoneOffset.UTC) : null;
        return at != null && !at.isBefore(cutoff);
    }

    private void repair(List<Difference> found, Map<RowKey, Row> sources) throws Exception {
        if (check.repair == Repair.NONE || found.isEmpty()) {
            return;
        }
        if (check.backend != null) {
            for (Difference difference : found) {
                fenced(difference.key(), () -> {
                    copyCurrent(difference.key(), difference.kind());
                    return null;
                });
            }
            return;
        }
        List<Row> upserts = new ArrayList<>();
        List<RowKey> deletes = new ArrayList<>();
        for (Difference difference : found) {
            if (difference.kind() == Difference.Kind.EXTRA) {
                deletes.add(difference.key());
            } else {
                upserts.add(mapping.map(sources.get(difference.key())));
            }
        }
        target.upsert(upserts);
        target.delete(deletes);
        for (Difference difference : found) {
            findings.repaired(difference.kind());
        }
    }

    /** Runs {@code action} inside the live backend's fence of {@code key}. */
    <V> V fenced(RowKey key, Callable<V> action) throws Exception {
        return check.backend.repair(check.store, check.toDaoKey.apply(key), action);
    }

    /** Inside a fence: writes the source's current row of {@code key} to the target, or deletes it. */
    void copyCurrent(RowKey key, Difference.Kind kind) {
        Row now = source.read(List.of(key)).get(key);
        if (now != null) {
            target.upsert(List.of(mapping.map(now)));
        } else {
            target.delete(List.of(key));
        }
        findings.repaired(kind);
    }

    /** Compares one key by reading it in both tables (a key the live backend listed). */
    Difference compareKey(RowKey key) {
        Row mine = source.read(List.of(key)).get(key);
        Row theirs = target.read(List.of(key)).get(key);
        List<Difference> found = new ArrayList<>();
        if (mine == null && theirs != null) {
            found.add(new Difference(Difference.Kind.EXTRA, key, List.of(), Optional.empty(), Optional.of(project(theirs))));
        } else if (mine != null && theirs == null) {
            found.add(new Difference(Difference.Kind.MISSING, key, List.of(), Optional.of(project(mapping.map(mine))),
                    Optional.empty()));
        } else if (mine != null) {
            compare(key, mine, theirs, found);
        }
        Iterator<Difference> first = found.iterator();
        return first.hasNext() ? first.next() : null;
    }
}
