package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.compare.Clinic;
import dev.dualstore.compare.Clinic.Owner;
import dev.dualstore.compare.Clinic.Pet;
import dev.dualstore.compare.Clinic.Visit;
import dev.dualstore.compare.Normalizer;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code snapshotResults}: what the caller does to an answer after it returns cannot turn a match
 * into a mismatch, while a real difference is still found, with its path. The comparison is held
 * back on a {@link ManualExecutor} until the caller has changed the answer, so the race the
 * snapshot guards against happens every time.
 */
class SnapshotResultsTest {

    interface Visits {
        @Read
        List<Visit> visits(String vet);

        @Read
        Owner owner(long id);

        @Write
        void rename(long id, String name);
    }

    /** A fresh graph per call, as a DAO builds one; {@code secondaryChange} plants a difference. */
    static final class Store implements Visits {
        private final boolean plantDifference;

        Store(boolean plantDifference) {
            this.plantDifference = plantDifference;
        }

        @Override
        public List<Visit> visits(String vet) {
            List<Visit> visits = Clinic.visits();
            if (plantDifference) {
                visits.get(1).getPet().setOwner(null);
            }
            return visits;
        }

        @Override
        public Owner owner(long id) {
            return Clinic.visits().get(0).getPet().getOwner();
        }

        @Override
        public void rename(long id, String name) {
        }
    }

    record Follow(String from, String to, OffsetDateTime at, List<String> tags) {}

    interface Follows {
        @Read
        List<Follow> followers(String channel);
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final ManualExecutor executor = new ManualExecutor();
    private final List<Mismatch> mismatches = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private MirroringBackend.Builder<Visits> backend(boolean plantDifference) {
        return Backends.of(Visits.class, registry, new Store(false), new Store(plantDifference)).executor(executor)
                .mismatchListener(mismatches::add).logMismatches(false);
    }

    /** What callers do: set a field, add to a list, through the graph's back references. */
    private static void change(List<Visit> visits) {
        Owner george = visits.get(0).getPet().getOwner();
        george.adopt(new Pet(12L, "Kitty"));
        visits.get(0).getPet().setOwner(new Owner(9L, "someone else"));
        visits.remove(1);
    }

    @Test
    void withoutSnapshotsTheCallersChangesAreReportedAsMismatches() {
        try (MirroringBackend<Visits> backend = backend(false).build()) {
            change(backend.proxy().visits("dr-who"));
            executor.runAll();
            assertThat(meters.comparisons("mismatch")).isEqualTo(1);
        }
    }

    @Test
    void aSnapshotIsComparedAsTheAnswerWasWhenItReturned() {
        try (MirroringBackend<Visits> backend = backend(false).snapshotResults().build()) {
            List<Visit> answer = backend.proxy().visits("dr-who");
            change(answer);
            Owner owner = backend.proxy().owner(1);
            owner.adopt(new Pet(13L, "Tom"));
            executor.runAll();

            assertThat(meters.comparisons("match")).isEqualTo(2);
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(answer).hasSize(1); // the caller's own objects are the primary's, changed as it wished
        }
    }

    @Test
    void aRealDifferenceIsStillFoundOnceWithItsPath() {
        try (MirroringBackend<Visits> backend = backend(true).snapshotResults("visits").build()) {
            change(backend.proxy().visits("dr-who"));
            executor.runAll();

            assertThat(meters.comparisons("mismatch")).isEqualTo(1);
            assertThat(mismatches).singleElement().satisfies(m -> {
                assertThat(m.path()).isEqualTo("[1].pet.owner");
                assertThat(m.difference()).endsWith("first difference at [1].pet.owner: Owner vs null");
            });
        }
    }

    @Test
    void recordsAndNormalizersWorkOnSnapshots() {
        OffsetDateTime noon = OffsetDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);
        Follows primary = channel -> new ArrayList<>(List.of(new Follow("alice", channel, noon, new ArrayList<>(List.of("a")))));
        Follows secondary = channel -> List.of(new Follow("alice", channel,
                noon.withOffsetSameInstant(ZoneOffset.ofHours(2)), List.of("a")));
        try (MirroringBackend<Follows> backend = Backends.of(Follows.class, registry, primary, secondary)
                .comparator(ResultComparator.unordered().after(Normalizer.timestampsToUtc()))
                .snapshotResults().executor(executor).build()) {
            List<Follow> answer = backend.proxy().followers("c1");
            answer.get(0).tags().add("changed by the caller");
            answer.add(new Follow("bob", "c1", noon, List.of()));
            executor.runAll();

            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.comparisons("mismatch")).isZero();
        }
    }

    @Test
    void buildRefusesSnapshotsItCannotCompareOrMethodsThatAreNotReads() {
        assertThatThrownBy(() -> backend(false).snapshotResults("rename").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotResults(\"rename\")")
                .hasMessageContaining("not a read");
        assertThatThrownBy(() -> backend(false).snapshotResults("vists").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vists");
        assertThatThrownBy(() -> backend(false).snapshotResults()
                .comparator("owner", ResultComparator.of(Owner.class, (a, b) -> a == b)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("covers owner")
                .hasMessageContaining("cannot compare snapshots");
        assertThatThrownBy(() -> backend(false).snapshotResults().snapshotResults())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("snapshotResults()");
        assertThatThrownBy(() -> backend(false).snapshotResults("visits", "visits"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("visits");
        // A custom comparator on a read the snapshots leave out is fine.
        backend(false).snapshotResults("visits").comparator("owner", ResultComparator.of(Owner.class, (a, b) -> true))
                .build().close();
    }
}
