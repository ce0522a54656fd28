package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The example in {@link MirroringBackend}'s javadoc and DESIGN.md, compiled and run. */
class ReadmeExampleTest {

    interface FollowStore {
        boolean getAssoc(String from, String type, String to);

        List<String> followers(String channel, int limit);

        void follow(String from, String to);

        void unfollow(String from, String to);

        String ping();
    }

    static final class MapFollowStore implements FollowStore {
        private final Map<String, List<String>> byChannel = new ConcurrentHashMap<>();

        @Override
        public boolean getAssoc(String from, String type, String to) {
            return byChannel.getOrDefault(to, List.of()).contains(from);
        }

        @Override
        public List<String> followers(String channel, int limit) {
            List<String> all = byChannel.getOrDefault(channel, List.of());
            synchronized (all) {
                return List.copyOf(all.subList(0, Math.min(limit, all.size())));
            }
        }

        @Override
        public void follow(String from, String to) {
            List<String> list = byChannel.computeIfAbsent(to, k -> new ArrayList<>());
            synchronized (list) {
                list.add(from);
            }
        }

        @Override
        public void unfollow(String from, String to) {
            List<String> list = byChannel.computeIfAbsent(to, k -> new ArrayList<>());
            synchronized (list) {
                list.remove(from);
            }
        }

        @Override
        public String ping() {
            return "pong";
        }
    }

    @Test
    void theDesignExampleWorksAsWritten() {
        FollowStore postgresFollowStore = new MapFollowStore();
        FollowStore dynamoFollowStore = new MapFollowStore();
        MeterRegistry registry = new SimpleMeterRegistry();

        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("postgres", postgresFollowStore)
                .secondary("dynamo", dynamoFollowStore)
                .reads("getAssoc", "followers")
                .writes("follow", "unfollow")
                .passthrough("ping")
                .timeout(Duration.ofMillis(200))
                .meterRegistry(registry)
                .build();
        FollowStore store = backend.proxy();
        store.follow("alice", "ninja");
        // followers has no key, so its mirrored read is not ordered after the shadow write: let it land first.
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(store.followers("ninja", 10)).containsExactly("alice");

        backend.promote("dynamo");
        assertThat(backend.primaryName()).isEqualTo("dynamo");
        assertThat(store.getAssoc("alice", "follows", "ninja")).isTrue(); // the shadow write reached dynamo
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

        // followers was compared on dynamo before the cutover, getAssoc on postgres after it.
        assertThat(registry.get("dualstore.comparisons").tags("result", "match", "method", "followers", "store", "dynamo")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("dualstore.comparisons").tags("result", "match", "method", "getAssoc", "store", "postgres")
                .counter().count()).isEqualTo(1);
        backend.close();
        assertThat(registry.find("dualstore.comparisons").meters()).as("close() removes the backend's meters").isEmpty();
    }
}
