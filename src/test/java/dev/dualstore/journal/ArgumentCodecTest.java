package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.MirroringBackend;
import dev.dualstore.journal.Everything.Color;
import dev.dualstore.journal.Everything.Point;
import dev.dualstore.journal.Everything.Shape;
import dev.dualstore.spi.Invocation;
import dev.dualstore.spi.WriteObserver;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ArgumentCodecTest {
    private final ArgumentCodec codec = ArgumentCodec.builtIn();

    private Object[] roundTrip(String method, Object... args) {
        Method m = Arrays.stream(Everything.class.getMethods()).filter(x -> x.getName().equals(method)).findFirst()
                .orElseThrow();
        codec.check(m);
        String text = codec.encode(m, Arrays.asList(args));
        return codec.decode(m, text);
    }

    @Test
    void primitivesAndTheirBoxesComeBackEqual() {
        Object[] primitives = {"k\"ey\n\u0001", Integer.MIN_VALUE, Long.MAX_VALUE, 0.1 + 0.2, 1.5f, true, 'é', (short) -7,
                (byte) 127};
        assertThat(roundTrip("primitives", primitives)).containsExactly(primitives);
        assertThat(roundTrip("primitives", "nan", 0, 0L, Double.NaN, Float.NEGATIVE_INFINITY, false, '"', (short) 0,
                (byte) 0)).contains(Double.NaN, Float.NEGATIVE_INFINITY);
        Object[] boxed = {"b", 42, -1L, -0.0, Boolean.FALSE, 'x', null};
        assertThat(roundTrip("boxed", boxed)).containsExactly(boxed);
    }

    @Test
    void enumsRecordsAndDecimalsComeBackEqual() {
        Map<String, Shape> children = new LinkedHashMap<>();
        children.put("leaf", new Shape("leaf", Color.GREEN, List.of(), Map.of(), null));
        Shape shape = new Shape("root", Color.RED, List.of(new Point(1, 2), new Point(-3, 4)), children, null);
        Object[] values = {UUID.randomUUID(), Color.GREEN, new Point(5, 6), shape, new BigDecimal("12345678901234567890.000100"),
                new BigInteger("-98765432109876543210")};
        Object[] back = roundTrip("values", values);
        assertThat(back).containsExactly(values);
        assertThat(((BigDecimal) back[4]).scale()).isEqualTo(6);
    }

    @Test
    void recordsWithArraysComeBackWithEqualArrays() {
        Shape shape = new Shape("bytes", null, List.of(), Map.of(), new byte[] {0, -1, 42});
        Shape back = (Shape) roundTrip("values", null, null, null, shape, null, null)[3];
        assertThat(back.bytes()).containsExactly(0, -1, 42);
        assertThat(back.name()).isEqualTo("bytes");
        assertThat(back.color()).isNull();
    }

    @Test
    void collectionsMapsAndArraysComeBackEqual() {
        Map<Long, List<Integer>> map = new LinkedHashMap<>();
        map.put(3L, List.of(1, 2));
        map.put(-1L, List.of());
        Object[] args = {7L, List.of(new Point(0, 0)), new LinkedHashSet<>(List.of("b", "a")), map, List.of(Color.RED),
                new int[] {3, 1, 2}, new String[] {"x", null}, new Point[][] {{new Point(1, 1)}, {}}, new byte[] {9, 8}};
        Object[] back = roundTrip("collections", args);
        assertThat(back).containsExactly(args);
        assertThat(List.copyOf((java.util.Set<?>) back[2])).isEqualTo(List.of("b", "a"));
    }

    @Test
    void javaTimeValuesComeBackEqual() {
        Object[] args = {"t", Instant.parse("2026-12-03T11:00:00.123456789Z"), LocalDate.of(2026, 2, 28),
                LocalDateTime.of(2026, 1, 1, 0, 0, 1, 1000), OffsetDateTime.of(2026, 3, 1, 2, 3, 4, 5, ZoneOffset.ofHours(-7)),
                ZonedDateTime.of(2026, 10, 25, 2, 30, 0, 0, ZoneId.of("Europe/Paris")), Duration.ofMillis(-1500)};
        assertThat(roundTrip("times", args)).containsExactly(args);
    }

    @Test
    void keysComeBackAsTheyWere() {
        UUID id = UUID.randomUUID();
        for (Object key : new Object[] {"text", 7, 7L, id, new BigDecimal("1.50"), List.of("a", 1L),
                Instant.EPOCH, LocalDate.MIN}) {
            assertThat(JournalKeys.decode(JournalKeys.encode(key))).isEqualTo(key);
        }
        assertThat(JournalKeys.encode(null)).isNull();
        assertThatThrownBy(() -> JournalKeys.encode(new Point(1, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Point.class.getName());
    }

    /** A DAO with a write the built-in codec cannot record. */
    public interface Untyped {
        @dev.dualstore.Write
        void put(@dev.dualstore.Key String key, Object value);

        @dev.dualstore.Write
        void putAll(@dev.dualstore.Key String key, List<Runnable> tasks);
    }

    @Test
    void aParameterTheCodecCannotEncodeFailsBuildNamingMethodAndParameter() {
        Untyped store = new Untyped() {
            @Override
            public void put(String key, Object value) {
            }

            @Override
            public void putAll(String key, List<Runnable> tasks) {
            }
        };
        Untyped other = new Untyped() {
            @Override
            public void put(String key, Object value) {
            }

            @Override
            public void putAll(String key, List<Runnable> tasks) {
            }
        };
        WriteObserver journal = new RefusingObserver(codec);
        assertThatThrownBy(() -> MirroringBackend.builder(Untyped.class).primary("old", store).secondary("new", other)
                .journal(journal).meterRegistry(new SimpleMeterRegistry()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write observer 'journal'")
                .hasMessageMatching("(?s).*Untyped\\.(put: parameter 1 \\(java\\.lang\\.Object\\)"
                        + "|putAll: parameter 1 \\(java\\.util\\.List<java\\.lang\\.Runnable>\\)).*");
        assertThatThrownBy(() -> codec.check(Untyped.class.getMethod("putAll", String.class, List.class)))
                .hasMessageContaining("putAll: parameter 1 (java.util.List<java.lang.Runnable>)")
                .hasMessageContaining("java.lang.Runnable");
    }

    @Test
    void aJournalIsSetOnceAndAcceptsEncodableWrites() {
        WriteObserver journal = new RefusingObserver(codec);
        MirroringBackend.Builder<KeyValueStore> builder = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).journal(journal);
        assertThatThrownBy(() -> builder.journal(journal)).isInstanceOf(IllegalStateException.class)
                .hasMessage("journal was already set");
        MirroringBackend<KeyValueStore> backend = builder.meterRegistry(new SimpleMeterRegistry()).build();
        backend.close();
        assertThat(backend.primaryName()).isEqualTo("old");
    }

    /** A write observer that only checks writes with a codec. */
    private record RefusingObserver(ArgumentCodec codec) implements WriteObserver {
        @Override
        public void onWrite(Invocation write) {
        }

        @Override
        public void checkWrite(Method write) {
            codec.check(write);
        }
    }
}
