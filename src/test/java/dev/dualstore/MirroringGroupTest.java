package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Several repositories wrapped with one set of settings, promoted and closed together. */
class MirroringGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);

    /** A second repository of the same service, not annotated. */
    public interface TagRepository {
        List<String> findTags(String owner);

        void saveTag(String owner, String tag);
    }

    static final class MapTags implements TagRepository {
        final Map<String, List<String>> tags = new ConcurrentHashMap<>();

        @Override
        public List<String> findTags(String owner) {
            return tags.getOrDefault(owner, List.of());
        }

        @Override
        public void saveTag(String owner, String tag) {
            tags.merge(owner, List.of(tag), (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
        }
    }

    @Test
    void everyRepositoryGetsTheGroupsSettingsAndItsOwnAndMovesWithTheGroup() {
        InMemoryKeyValueStore oldValues = new InMemoryKeyValueStore();
        InMemoryKeyValueStore newValues = new InMemoryKeyValueStore();
        MapTags oldTags = new MapTags();
        MapTags newTags = new MapTags();
        try (MirroringGroup group = MirroringGroup.of("old", "new", settings -> settings
                .classifyByName()
                .timeout(Duration.ofSeconds(2))
                .meterRegistry(registry))) {
            KeyValueStore values = group.wrap(KeyValueStore.class, oldValues, newValues).proxy();
            TagRepository tags = group.wrap(TagRepository.class, oldTags, newTags, own -> own.key("saveTag", 0).key("findTags", 0))
                    .proxy();

            values.put("k", "v");
            tags.saveTag("alice", "admin");
            assertThat(group.drain(WAIT)).isTrue();
            assertThat(tags.findTags("alice")).containsExactly("admin");
            assertThat(group.drain(WAIT)).isTrue();

            assertThat(newValues.get("k")).isEqualTo("v");
            assertThat(newTags.tags).isEqualTo(oldTags.tags);
            assertThat(meters.count("dualstore.comparisons", "backend", "TagRepository", "result", "match")).isOne();
            assertThat(meters.count("dualstore.writes", "backend", "KeyValueStore", "result", "success")).isOne();

            group.promote("new");
            assertThat(group.backends()).extracting(MirroringBackend::primaryName).containsOnly("new");
            group.promote("old");
            assertThat(group.backends()).extracting(MirroringBackend::primaryName).containsOnly("old");
        }
    }

    @Test
    void aRepositoryTheGroupCannotWrapFailsAtItsOwnBuildAndTheOthersStay() {
        try (MirroringGroup group = MirroringGroup.of("old", "new", settings -> settings.meterRegistry(registry))) {
            group.wrap(KeyValueStore.class, new InMemoryKeyValueStore(), new InMemoryKeyValueStore());
            assertThatThrownBy(() -> group.wrap(TagRepository.class, new MapTags(), new MapTags()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unclassified methods of TagRepository: [findTags, saveTag]");
            assertThat(group.backends()).hasSize(1);
        }
    }
}
