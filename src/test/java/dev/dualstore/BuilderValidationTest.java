package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Misconfiguration fails at build() (or at the setter) with a message naming the culprit. */
class BuilderValidationTest {

    interface Unannotated {
        String get(String key);

        void put(String key, String value);

        int size();
    }

    static final class UnannotatedStore implements Unannotated {
        @Override
        public String get(String key) {
            return null;
        }

        @Override
        public void put(String key, String value) {}

        @Override
        public int size() {
            return 0;
        }
    }

    private static MirroringBackend.Builder<Unannotated> unannotated() {
        return MirroringBackend.builder(Unannotated.class).meterRegistry(new SimpleMeterRegistry());
    }

    @Test
    void rejectsAClassThatIsNotAnInterface() {
        assertThatThrownBy(() -> MirroringBackend.builder(String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String is not an interface");
    }

    @Test
    void rejectsAMissingPrimary() {
        assertThatThrownBy(() -> unannotated().secondary("new", new UnannotatedStore())
                        .reads("get", "size").writes("put").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no primary");
    }

    @Test
    void rejectsDuplicateStoreNamesNamingThem() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .secondary("dynamo", new UnannotatedStore())
                        .secondary("dynamo", new UnannotatedStore())
                        .reads("get", "size").writes("put").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate store names").hasMessageContaining("dynamo");
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .secondary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pg");
    }

    @Test
    void rejectsUnclassifiedMethodsNamingEachOne() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore()).reads("get").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclassified")
                .hasMessageContaining("put")
                .hasMessageContaining("size")
                .hasMessageNotContaining("get,");
    }

    @Test
    void rejectsUnknownMethodNamesNamingThem() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size", "gett").writes("put").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown").hasMessageContaining("gett");
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put").comparator("nope", ResultComparator.unordered()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void rejectsAMethodClassifiedTwice() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put", "get").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than once").hasMessageContaining("get");
    }

    @Test
    void rejectsABuilderClassificationThatContradictsAnAnnotation() {
        assertThatThrownBy(() -> MirroringBackend.builder(KeyValueStore.class)
                        .primary("pg", new InMemoryKeyValueStore()).writes("get").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("get").hasMessageContaining("@Read");
    }

    @Test
    void rejectsAKeyIndexOutOfRange() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put").key("put", 2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("put").hasMessageContaining("out of range");
    }

    @Test
    void rejectsAKeyOrExpectedExceptionsOnAPassthrough() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get").writes("put").passthrough("size").key("size", 0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size").hasMessageContaining("passthrough");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void rejectsAStoreOfTheWrongTypeNamingIt() {
        // Only reachable through raw types (frameworks wiring beans by name do this).
        MirroringBackend.Builder raw = unannotated();
        raw.primary("pg", new UnannotatedStore()).secondary("weird", "not a store");
        assertThatThrownBy(() -> raw.reads("get", "size").writes("put").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'weird'").hasMessageContaining("does not implement");
    }

    @Test
    void rejectsAStageForAnUnknownStoreOrThePrimary() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put").stage("dynamo", Stage.OFF).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamo");
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put").stage("pg", Stage.OFF).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary");
    }

    @Test
    void rejectsAComparatorForAMethodThatIsNotARead() {
        assertThatThrownBy(() -> unannotated().primary("pg", new UnannotatedStore())
                        .reads("get", "size").writes("put").comparator("put", ResultComparator.unordered()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("put is not a read");
    }

    @Test
    void settingAnOptionTwiceIsAnError() {
        MirroringBackend.Builder<Unannotated> builder = unannotated().timeout(Duration.ofMillis(10));
        assertThatThrownBy(() -> builder.timeout(Duration.ofMillis(20)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> unannotated().primary("a", new UnannotatedStore()).primary("b", new UnannotatedStore()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("primary");
        assertThatThrownBy(() -> unannotated().threads(2).executor(Runnable::run))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("threads");
    }

    @Test
    void rejectsBadValuesAtTheSetter() {
        assertThatThrownBy(() -> unannotated().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> unannotated().sampleRate(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101");
        assertThatThrownBy(() -> unannotated().maxPending(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> unannotated().name(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> unannotated().primary(null, new UnannotatedStore()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("primary name");
    }

    @Test
    void defaultsTheNameToTheInterfacesSimpleName() {
        try (MirroringBackend<Unannotated> backend = unannotated().primary("pg", new UnannotatedStore())
                .reads("get", "size").writes("put").build()) {
            assertThat(backend.name()).isEqualTo("Unannotated");
            assertThat(backend.primaryName()).isEqualTo("pg");
            assertThat(backend.secondaryNames()).isEmpty();
        }
    }

    @Test
    void annotationsAloneClassifyAnInterface() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(new SimpleMeterRegistry()).build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.proxy().get("k")).isEqualTo("v");
        }
    }
}
