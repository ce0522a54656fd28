package dev.dualstore.demo;

import dev.dualstore.Mismatch;
import dev.dualstore.MismatchKind;
import dev.dualstore.MirroringBackend;
import dev.dualstore.ResultComparator;
import dev.dualstore.compare.Normalizer;
import dev.dualstore.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The runnable demo: {@code mvn -q test-compile exec:java}.
 *
 * <p>A follows service moves from {@link OldFollowStore} to {@link NewFollowStore}. Each step
 * replays the same traffic through a fresh backend ('old' answers, 'new' is mirrored to), drains,
 * and prints the comparisons counted in {@code dualstore.comparisons}: first with the default
 * comparison, then with a time-zone normaliser, then with an unordered comparator for
 * {@code followers}, then against the fixed new store. Last, it promotes the new store and rolls
 * back. Every number printed is read from the meters or counted from the traffic.
 *
 * <p>{@link #run(PrintStream)} returns what was printed as values, for {@code FollowsDemoTest}.
 */
public final class FollowsDemo {
    /** Calls per step. */
    static final int CALLS = 2_000;
    /** Followers page size; larger than any channel here, so a page is every follower. */
    static final int PAGE = 100;
    static final int CHANNELS = 6;
    static final int USERS = 40;
    private static final long SEED = 20_170_214L;
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private FollowsDemo() {}

    public static void main(String[] args) {
        run(System.out);
    }

    /** What one step counted; every field comes from the traffic or from the meters. */
    public record Counts(int reads, long matched, Map<MismatchKind, Long> mismatches, Map<String, Long> otherResults) {

        /** @return comparisons with result {@code mismatch}, all kinds */
        public long mismatched() {
            return mismatches.values().stream().mapToLong(Long::longValue).sum();
        }

        /** @return every comparison counted, whatever its result */
        public long compared() {
            return matched + mismatched() + otherResults.values().stream().mapToLong(Long::longValue).sum();
        }

        Counts minus(Counts before) {
            Map<MismatchKind, Long> kinds = new EnumMap<>(MismatchKind.class);
            mismatches.forEach((k, n) -> put(kinds, k, n - before.mismatches.getOrDefault(k, 0L)));
            Map<String, Long> others = new TreeMap<>();
            otherResults.forEach((r, n) -> put(others, r, n - before.otherResults.getOrDefault(r, 0L)));
            return new Counts(reads - before.reads, matched - before.matched,
                    Collections.unmodifiableMap(kinds), Collections.unmodifiableMap(others));
        }
    }

    /** One comparison step: how answers were compared, and what that counted. */
    public record Step(String title, Counts counts) {}

    /** One role change: what it was, who answered after it, and what the next traffic counted. */
    public record RoleChange(String action, String primaryName, String comparedStore, Counts counts) {}

    /** Everything the demo printed, as values. */
    public record Report(List<Step> steps, List<RoleChange> roleChanges, boolean storesAgree) {}

    /**
     * Runs the demo, printing to {@code out}.
     *
     * @param out where the report goes
     * @return what was printed, as values
     */
    public static Report run(PrintStream out) {
        ResultComparator utc = ResultComparator.normalizing(Normalizer.timestampsToUtc());
        ResultComparator utcUnordered = ResultComparator.unordered().after(Normalizer.timestampsToUtc());

        out.printf(Locale.ROOT, "dualstore demo: a follows store moves from 'old' to 'new', both in memory. The new store%n"
                + "differs as Twitch's did: followers in another order, times in another zone, unfollowed users%n"
                + "still listed. Each step replays the same %,d calls through a fresh backend ('old' answers).%n", CALLS);
        List<Step> steps = new ArrayList<>();
        steps.add(step(out, "1. Default comparison (deep equality)", null,
                new Comparators(ResultComparator.deepEquals(), null), NewFollowStore.asShipped()));
        steps.add(step(out, "2. Time zones normalised, as followedAt is used as an instant:",
                ".comparator(ResultComparator.normalizing(Normalizer.timestampsToUtc()))",
                new Comparators(utc, null), NewFollowStore.asShipped()));
        steps.add(step(out, "3. followers() compared as a multiset, as it promises no order:",
                ".comparator(\"followers\", ResultComparator.unordered().after(Normalizer.timestampsToUtc()))",
                new Comparators(utc, utcUnordered), NewFollowStore.asShipped()));
        Counts third = steps.get(2).counts();
        if (third.mismatched() > 0) {
            out.printf(Locale.ROOT, "   What is left (%s) is a real bug: the new store soft-deletes on unfollow and its%n"
                    + "   followers() forgets to skip deleted edges. No comparator should hide it; fix the store.%n",
                    kinds(third.mismatches()));
        }
        steps.add(step(out, "4. Same comparators, new store fixed (followers() skips deleted edges)", null,
                new Comparators(utc, utcUnordered), NewFollowStore.fixed()));

        out.println();
        out.printf(Locale.ROOT, "Cutover and rollback (fixed store, comparators of step 4), %,d calls after each:%n", CALLS);
        OldFollowStore oldStore = new OldFollowStore();
        NewFollowStore newStore = NewFollowStore.fixed();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MirroringBackend<FollowStore> backend = backend(registry, utc, utcUnordered, oldStore, newStore, m -> { });
        List<RoleChange> changes = new ArrayList<>();
        Traffic traffic = new Traffic(SEED + 1);
        try {
            int reads = traffic.run(backend.proxy(), CALLS);
            drain(out, backend);
            changes.add(new RoleChange("start", backend.primaryName(), "new", countsOf(registry, "new", reads)));
            for (String next : List.of("new", "old")) {
                String secondary = next.equals("new") ? "old" : "new";
                Counts before = countsOf(registry, secondary, 0);
                backend.promote(next);
                reads = traffic.run(backend.proxy(), CALLS);
                drain(out, backend);
                changes.add(new RoleChange("promote(\"" + next + "\")", backend.primaryName(), secondary,
                        countsOf(registry, secondary, reads).minus(before)));
            }
        } finally {
            backend.close();
        }
        for (RoleChange c : changes) {
            out.printf(Locale.ROOT, "   %-15s primaryName() = %-4s '%s': %s%n",
                    c.action(), c.primaryName(), c.comparedStore(), summary(c.counts()));
        }
        boolean agree = storesAgree(oldStore, newStore, utcUnordered);
        out.printf(Locale.ROOT, "   After the rollback, 'old' and 'new' hold the same followers for all %d channels: %s%n",
                CHANNELS, agree ? "yes" : "NO");
        return new Report(List.copyOf(steps), List.copyOf(changes), agree);
    }

    /** The comparators of one step: for every read, and for followers() when not null. */
    private record Comparators(ResultComparator all, ResultComparator followers) {}

    private static Step step(PrintStream out, String title, String code, Comparators comparators, NewFollowStore newStore) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // First example of each (method, kind), for printing; listeners run on dispatcher threads.
        Map<String, Mismatch> examples = new ConcurrentSkipListMap<>();
        MirroringBackend<FollowStore> backend = backend(registry, comparators.all(), comparators.followers(),
                new OldFollowStore(), newStore, m -> examples.putIfAbsent(m.method() + " " + m.kind().tag(), m));
        Counts counts;
        try {
            int reads = new Traffic(SEED).run(backend.proxy(), CALLS);
            drain(out, backend);
            counts = countsOf(registry, "new", reads);
        } finally {
            backend.close();
        }
        out.println();
        out.println(title);
        if (code != null) {
            out.println("   " + code);
        }
        out.println("   " + summary(counts));
        for (Mismatch m : examples.values()) {
            out.printf(Locale.ROOT, "     %s%s: %s, %s%n", m.method(), m.arguments(), m.kind().tag(), m.difference());
        }
        return new Step(title, counts);
    }

    private static MirroringBackend<FollowStore> backend(MeterRegistry registry, ResultComparator all,
            ResultComparator followers, FollowStore oldStore, FollowStore newStore, dev.dualstore.MismatchListener listener) {
        MirroringBackend.Builder<FollowStore> builder = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", oldStore)
                .secondary("new", newStore)
                .comparator(all)
                .meterRegistry(registry)
                .mismatchListener(listener)
                // The demo prints its own examples; a service keeps the default rate-limited WARN log.
                .logMismatches(false);
        if (followers != null) {
            builder.comparator("followers", followers);
        }
        return builder.build();
    }

    private static void drain(PrintStream out, MirroringBackend<?> backend) {
        if (!backend.drain(DRAIN)) {
            out.println("   (secondary calls were still running after " + DRAIN + "; the counts below are partial)");
        }
    }

    /** Reads {@code dualstore.comparisons} for one secondary store. */
    static Counts countsOf(MeterRegistry registry, String store, int reads) {
        long matched = 0;
        Map<MismatchKind, Long> kinds = new EnumMap<>(MismatchKind.class);
        Map<String, Long> others = new TreeMap<>();
        for (Counter c : registry.find(MeterNames.COMPARISONS).tag(MeterNames.STORE, store).counters()) {
            long n = (long) c.count();
            String result = c.getId().getTag(MeterNames.RESULT);
            switch (result) {
                case MeterNames.MATCH -> matched += n;
                case MeterNames.MISMATCH -> put(kinds,
                        MismatchKind.valueOf(c.getId().getTag(MeterNames.KIND).toUpperCase(Locale.ROOT)), n);
                default -> put(others, result, n);
            }
        }
        return new Counts(reads, matched, Collections.unmodifiableMap(kinds), Collections.unmodifiableMap(others));
    }

    private static <K> void put(Map<K, Long> map, K key, long n) {
        if (n != 0) {
            map.merge(key, n, Long::sum);
        }
    }

    private static String summary(Counts c) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%,d reads compared, %,d mismatch (%.1f%%)",
                c.compared(), c.mismatched(), c.compared() == 0 ? 0.0 : 100.0 * c.mismatched() / c.compared()));
        if (!c.mismatches().isEmpty()) {
            s.append(": ").append(kinds(c.mismatches()));
        }
        c.otherResults().forEach((result, n) -> s.append(String.format(Locale.ROOT, "; %,d %s", n, result)));
        if (c.compared() != c.reads()) {
            s.append(String.format(Locale.ROOT, " (of %,d reads made)", c.reads()));
        }
        return s.toString();
    }

    private static String kinds(Map<MismatchKind, Long> kinds) {
        StringBuilder s = new StringBuilder();
        kinds.forEach((k, n) -> s.append(s.length() == 0 ? "" : ", ").append(k.tag()).append(' ').append(n));
        return s.toString();
    }

    /** Compares the two stores directly, channel by channel, as the mirrored reads do. */
    private static boolean storesAgree(FollowStore a, FollowStore b, ResultComparator comparator) {
        for (int c = 0; c < CHANNELS; c++) {
            if (!comparator.equivalent(a.followers(channel(c), PAGE), b.followers(channel(c), PAGE))) {
                return false;
            }
        }
        return true;
    }

    static String channel(int c) {
        return "channel-" + c;
    }

    /**
     * Deterministic traffic from one thread: follows, a few unfollows, followers pages and edge
     * look-ups over {@value #CHANNELS} channels and {@value #USERS} users, with a clock that only
     * moves forward. Not threadsafe.
     */
    static final class Traffic {
        private final Random random;
        private Instant clock = Instant.parse("2017-02-14T12:00:00Z");

        Traffic(long seed) {
            this.random = new Random(seed);
        }

        /** Makes {@code calls} calls; returns how many were reads. */
        int run(FollowStore store, int calls) {
            int reads = 0;
            for (int i = 0; i < calls; i++) {
                String channel = channel(random.nextInt(CHANNELS));
                String user = "user-" + random.nextInt(USERS);
                clock = clock.plusSeconds(1 + random.nextInt(600));
                int dice = random.nextInt(100);
                if (dice < 45) {
                    store.follow(user, channel, OffsetDateTime.ofInstant(clock, ZoneOffset.UTC));
                } else if (dice < 48) {
                    store.unfollow(user, channel);
                } else if (dice < 74) {
                    store.followers(channel, PAGE);
                    reads++;
                } else {
                    store.getAssoc(user, FollowStore.FOLLOWS, channel);
                    reads++;
                }
            }
            return reads;
        }
    }
}
