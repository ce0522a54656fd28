package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.CallerThreads;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A store given as a reader part and a writer part, Twitch style: one backend, one proxy handed
 * out as each interface, so reads and writes share the roles, the write fence and one promote.
 */
class ReaderWriterPartsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    interface FollowReader {
        @Read
        List<String> followers(@Key String channel);
    }

    interface FollowWriter {
        @Write
        void follow(@Key String channel, String user);
    }

    interface FollowStore extends FollowReader, FollowWriter {
    }

    interface Unrelated {
        void other();
    }

    /** Rows of one store, shared by its reader and its writer. */
    static final class Rows {
        final Map<String, List<String>> byChannel = new ConcurrentHashMap<>();
    }

    static final class Reader implements FollowReader {
        final Rows rows;
        /** When set, a read waits here after reading, before it returns. */
        volatile CountDownLatch holdAfterRead;
        final CountDownLatch read = new CountDownLatch(1);
        int calls;

        Reader(Rows rows) {
            this.rows = rows;
        }

        @Override
        public List<String> followers(String channel) {
            calls++;
            List<String> answer = List.copyOf(rows.byChannel.getOrDefault(channel, List.of()));
            CountDownLatch hold = holdAfterRead;
            if (hold != null) {
                read.countDown();
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer;
        }
    }

    static final class Writer implements FollowWriter {
        final Rows rows;

        Writer(Rows rows) {
            this.rows = rows;
        }

        @Override
        public void follow(String channel, String user) {
            rows.byChannel.compute(channel, (c, users) -> {
                List<String> next = users == null ? new ArrayList<>() : new ArrayList<>(users);
                next.add(user);
                return List.copyOf(next);
            });
        }
    }

    /** A store that is both parts in one object. */
    static final class Whole implements FollowStore {
        final Reader reader;
        final Writer writer;

        Whole(Rows rows) {
            this.reader = new Reader(rows);
            this.writer = new Writer(rows);
        }

        @Override
        public List<String> followers(String channel) {
            return reader.followers(channel);
        }

        @Override
        public void follow(String channel, String user) {
            writer.follow(channel, user);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CallerThreads callers = new CallerThreads();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void eachPartServesItsInterfaceOnEveryStoreAndOnePromoteMovesBoth() {
        Rows oldRows = new Rows();
        Rows newRows = new Rows();
        Reader oldReader = new Reader(oldRows);
        Reader newReader = new Reader(newRows);
        try (MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", oldReader, new Writer(oldRows))
                .secondary("new", new Writer(newRows), newReader)      // parts in any order
                .meterRegistry(registry).build()) {
            FollowReader reader = backend.proxy(FollowReader.class);
            FollowWriter writer = backend.proxy(FollowWriter.class);
            assertThat(reader).isSameAs(writer).isSameAs(backend.proxy());

            writer.follow("channel-1", "alice");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(newRows.byChannel).isEqualTo(oldRows.byChannel).containsEntry("channel-1", List.of("alice"));
            assertThat(reader.followers("channel-1")).containsExactly("alice");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(oldReader.calls).isEqualTo(1);
            assertThat(newReader.calls).isEqualTo(1);

            backend.promote("new");                                    // one switch for reads and writes
            newRows.byChannel.put("channel-2", List.of("only in new"));
            assertThat(reader.followers("channel-2")).containsExactly("only in new");
            writer.follow("channel-3", "bob");
            assertThat(newRows.byChannel).containsEntry("channel-3", List.of("bob"));
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(oldRows.byChannel).containsEntry("channel-3", List.of("bob"));
            assertThat(meters.comparisons("mismatch")).as("channel-2 exists only in new").isEqualTo(1);
            assertThat(logs.warnings(CapturedLogs.MISMATCHES)).singleElement()
                    .satisfies(CapturedLogs.mentioning("FollowStore.followers", "'old'", "'new'"));
        }
    }

    @Test
    void aReadThroughTheReaderRacingAWriteThroughTheWriterIsCountedRacedNotMismatch() throws Exception {
        Rows oldRows = new Rows();
        Reader oldReader = new Reader(oldRows);
        try (MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", oldReader, new Writer(oldRows))
                .secondary("new", new Whole(new Rows()))                 // a whole store mixes with parts
                .timeout(Duration.ofMinutes(1)).meterRegistry(registry).build()) {
            FollowReader reader = backend.proxy(FollowReader.class);
            FollowWriter writer = backend.proxy(FollowWriter.class);
            CountDownLatch hold = new CountDownLatch(1);
            oldReader.holdAfterRead = hold;

            Future<List<String>> read = callers.submit(() -> reader.followers("channel-1"));
            assertThat(oldReader.read.await(10, TimeUnit.SECONDS)).isTrue();
            writer.follow("channel-1", "alice");                       // while the read holds its answer
            assertThat(backend.drain(WAIT)).isTrue();
            hold.countDown();

            assertThat(read.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("raced")).isEqualTo(1);
            assertThat(meters.comparisons("mismatch")).isZero();
        }
    }

    @Test
    void buildNamesTheMethodNoPartServesAndThePartsThatClash() {
        Rows rows = new Rows();
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class).primary("old", new Reader(rows))
                .secondary("new", new Whole(new Rows())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no part of store 'old' (Reader) implements FollowWriter")
                .hasMessageContaining("FollowStore.follow");
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class)
                .primary("old", new Reader(rows), new Whole(new Rows())).secondary("new", new Whole(new Rows())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both implement FollowReader (followers)");
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class)
                .primary("old", new Reader(rows), new Writer(rows), (Unrelated) () -> { })
                .secondary("new", new Whole(new Rows())).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("of store 'old' implements none");
        Reader shared = new Reader(rows);
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class).primary("old", shared, new Writer(rows))
                .secondary("new", shared, new Writer(new Rows())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stores 'old' and 'new' share the object").hasMessageContaining("Reader");
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class).primary("old", shared, shared))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class).primary("old", shared, (Object) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("a part of store 'old' is null");
    }

    @Test
    void aMethodDeclaredInTheCompositeItselfNeedsAWholeStore() {
        Rows rows = new Rows();
        assertThatThrownBy(() -> MirroringBackend.builder(Counted.class).primary("old", new Reader(rows), new Writer(rows))
                .secondary("new", new Reader(new Rows()), new Writer(new Rows())).passthrough("count").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("implements Counted, which declares Counted.count")
                .hasMessageContaining("every method must be declared in an interface that Counted extends");
    }

    interface Counted extends FollowReader, FollowWriter {
        int count();
    }

    @Test
    void proxyAsAnInterfaceTheDaoDoesNotExtendIsRefused() {
        try (MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new Whole(new Rows())).secondary("new", new Whole(new Rows())).meterRegistry(registry).build()) {
            assertThatThrownBy(() -> backend.proxy(Unrelated.class)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Unrelated.class.getName()).hasMessageContaining("is not an interface that");
            assertThat(backend.proxy(FollowStore.class)).isSameAs(backend.proxy());
        }
    }
}
