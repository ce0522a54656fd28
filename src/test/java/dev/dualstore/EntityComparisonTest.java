package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.compare.Clinic;
import dev.dualstore.compare.Clinic.Visit;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Entities without equals through the engine, as the "Real DAOs" issue saw them: stores that
 * agree are counted as matches, and a planted difference is one mismatch that names its path.
 */
class EntityComparisonTest {

    interface Visits {
        @Read
        List<Visit> visits(String vet);
    }

    /** Builds a fresh graph on every call, as a DAO does: no instance is shared between the stores. */
    record Store(Supplier<List<Visit>> answer) implements Visits {
        @Override
        public List<Visit> visits(String vet) {
            return answer.get();
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();
    private final MeterReader meters = new MeterReader(registry);
    private final List<Mismatch> mismatches = new CopyOnWriteArrayList<>();

    private MirroringBackend<Visits> backend(Supplier<List<Visit>> secondary) {
        return Backends.of(Visits.class, registry, new Store(Clinic::visits), new Store(secondary))
                .mismatchListener(mismatches::add).logMismatches(false).build();
    }

    @Test
    void equalEntityGraphsWithoutEqualsAreCountedAsMatches() {
        try (MirroringBackend<Visits> backend = backend(Clinic::visits)) {
            for (int i = 0; i < 3; i++) {
                backend.proxy().visits("dr-who");
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(meters.comparisons("match")).isEqualTo(3);
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void anOwnerTheSecondaryLeavesNullIsOneMismatchNamingItsPath() {
        Supplier<List<Visit>> withoutOwner = () -> {
            List<Visit> visits = Clinic.visits();
            visits.get(0).getPet().setOwner(null);
            return visits;
        };
        try (MirroringBackend<Visits> backend = backend(withoutOwner)) {
            List<Visit> answered = backend.proxy().visits("dr-who");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(answered.get(0).getPet().getOwner()).isNotNull();   // the caller sees the primary
            assertThat(meters.count("dualstore.comparisons", "result", "mismatch", "kind", "value")).isEqualTo(1);
            assertThat(meters.comparisons("match")).isZero();
            assertThat(mismatches).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo(MismatchKind.VALUE);
                assertThat(m.path()).isEqualTo("[0].pet.owner");
                assertThat(m.difference()).endsWith("first difference at [0].pet.owner: Owner vs null")
                        .doesNotContain("George");
            });
        }
    }

    /** A record whose accessor throws, held by an entity: reading it is the comparator's failure. */
    record Fragile(String value) {
        @Override
        public String value() {
            throw new IllegalStateException("accessor failed");
        }
    }

    /** An entity without equals holding a value that cannot be read. */
    static final class Holder {
        final Fragile fragile = new Fragile("x");
    }

    interface Holders {
        @Read
        Holder holder();
    }

    @Test
    void aPartThatThrowsWhenReadIsCountedAsAnErrorAndNeverReachesTheCaller() {
        Holder mine = new Holder();
        try (MirroringBackend<Holders> backend = Backends.of(Holders.class, registry, () -> mine, Holder::new)
                .mismatchListener(mismatches::add).logMismatches(false).build()) {
            assertThat(backend.proxy().holder()).isSameAs(mine);
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(meters.comparisons("error")).isEqualTo(1);
            assertThat(meters.count("dualstore.callback.errors")).isEqualTo(1);
            assertThat(mismatches).isEmpty();
            assertThat(logs.warnings(CapturedLogs.LIBRARY))
                    .anySatisfy(CapturedLogs.mentioning("Holders", "comparator threw", "callback.errors"));
        }
    }
}
