package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualstore.Key;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Write;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JacksonCodec}: values the built-in codec cannot journal, and build-time refusal of those Jackson cannot. */
class JacksonCodecTest {
    @RegisterExtension
    static final Databases databases = new Databases();

    private final JacksonCodec codec = JacksonCodec.of(new ObjectMapper());

    /** A mutable bean: no record, so the built-in codec refuses it. */
    public static final class Order {
        private String customer;
        private List<Line> lines = new ArrayList<>();

        public String getCustomer() {
            return customer;
        }

        public void setCustomer(String customer) {
            this.customer = customer;
        }

        public List<Line> getLines() {
            return lines;
        }

        public void setLines(List<Line> lines) {
            this.lines = lines;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Order other && Objects.equals(customer, other.customer) && lines.equals(other.lines);
        }

        @Override
        public int hashCode() {
            return Objects.hash(customer, lines);
        }

        @Override
        public String toString() {
            return "Order(" + customer + ", " + lines + ")";
        }
    }

    /** An immutable class made through its {@code @JsonCreator}. */
    public static final class Line {
        private final String sku;
        private final BigDecimal price;

        @JsonCreator
        public Line(@JsonProperty("sku") String sku, @JsonProperty("price") BigDecimal price) {
            this.sku = sku;
            this.price = price;
        }

        public String getSku() {
            return sku;
        }

        public BigDecimal getPrice() {
            return price;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Line other && sku.equals(other.sku) && price.equals(other.price);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sku, price);
        }

        @Override
        public String toString() {
            return "Line(" + sku + ", " + price + ")";
        }
    }

    /** A record. */
    public record Money(String currency, long cents) {
    }

    /** A class Jackson can write but never make: its only constructor takes arguments it has no names for. */
    public static final class Opaque {
        private final int value;

        Opaque(int value, int scale) {
            this.value = value * scale;
        }

        public int getValue() {
            return value;
        }
    }

    public interface Orders {
        @Write
        void place(@Key String id, Order order, Map<String, Money> totals, long[] stamps);
    }

    public interface Refused {
        @Write
        void keep(@Key String id, Opaque opaque);

        @Write
        void schedule(@Key String id, Runnable task);
    }

    /** Records what it was called with. */
    static final class RecordingOrders implements Orders {
        final List<List<Object>> calls = new ArrayList<>();

        @Override
        public void place(String id, Order order, Map<String, Money> totals, long[] stamps) {
            synchronized (calls) {
                calls.add(List.of(id, order, totals, Arrays.stream(stamps).boxed().toList()));
            }
        }
    }

    private static Order order(String customer, Line... lines) {
        Order order = new Order();
        order.setCustomer(customer);
        order.setLines(new ArrayList<>(List.of(lines)));
        return order;
    }

    @Test
    void beansCreatorsRecordsAndGenericsComeBackEqual() throws Exception {
        Method place = Orders.class.getMethod("place", String.class, Order.class, Map.class, long[].class);
        assertThatThrownBy(() -> ArgumentCodec.builtIn().check(place)).hasMessageContaining("parameter 1")
                .hasMessageContaining(Order.class.getName());
        codec.check(place);
        Map<String, Money> totals = new LinkedHashMap<>();
        totals.put("net", new Money("EUR", 1999));
        totals.put("tax", new Money("EUR", 380));
        Order order = order("ada", new Line("A-1", new BigDecimal("9.99")), new Line("B-2", new BigDecimal("10.00")));
        String text = codec.encode(place, Arrays.asList("o1", order, totals, new long[] {Long.MAX_VALUE, -1}));
        assertThat(text).startsWith("[\"o1\",{").contains("\"customer\":\"ada\"").contains("\"cents\":1999");
        Object[] back = codec.decode(place, text);
        assertThat(back[0]).isEqualTo("o1");
        assertThat(back[1]).isEqualTo(order).isNotSameAs(order);
        assertThat(back[2]).isEqualTo(totals);
        assertThat((long[]) back[3]).containsExactly(Long.MAX_VALUE, -1);
        assertThat(codec.decode(place, codec.encode(place, Arrays.asList("o2", null, null, null))))
                .containsExactly("o2", null, null, null);
        assertThatThrownBy(() -> codec.decode(place, "[\"o1\"]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an array of 4 values");
    }

    @Test
    void aJournalWithTheJacksonCodecReplaysThoseValues() {
        JdbcJournal journal = JdbcJournal.builder(databases.of(Server.H2), JdbcJournalTest.table("jackson")).codec(codec)
                .meterRegistry(new SimpleMeterRegistry()).build();
        RecordingOrders primary = new RecordingOrders();
        MirroringBackend<Orders> backend = MirroringBackend.builder(Orders.class).primary("old", primary)
                .journal(journal).meterRegistry(new SimpleMeterRegistry()).build();
        for (int i = 0; i < 20; i++) {
            backend.proxy().place("o" + i, order("c" + i, new Line("s" + i, BigDecimal.valueOf(i * 100 + 7, 2))),
                    Map.of("net", new Money("EUR", i)), new long[] {i});
        }
        backend.close();
        RecordingOrders target = new RecordingOrders();
        assertThat(Replayer.from(journal).to(target).meterRegistry(new SimpleMeterRegistry()).runUntilCaughtUp())
                .isEqualTo(20);
        // Writes to different keys reach the journal in either order.
        assertThat(target.calls).hasSize(20).containsExactlyInAnyOrderElementsOf(primary.calls);
        journal.close();
    }

    @Test
    void buildRefusesATypeJacksonCannotMakeNamingTheMethodAndParameter() throws Exception {
        assertThatThrownBy(() -> codec.check(Refused.class.getMethod("keep", String.class, Opaque.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Refused.keep: parameter 1 (" + Opaque.class.getName() + ")")
                .hasMessageContaining("no constructor or creator");
        assertThatThrownBy(() -> codec.check(Refused.class.getMethod("schedule", String.class, Runnable.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Refused.schedule: parameter 1 (java.lang.Runnable)");

        JdbcJournal journal = JdbcJournal.builder(databases.of(Server.H2), JdbcJournalTest.table("refused")).codec(codec)
                .meterRegistry(new SimpleMeterRegistry()).build();
        Refused store = new Refused() {
            @Override
            public void keep(String id, Opaque opaque) {
            }

            @Override
            public void schedule(String id, Runnable task) {
            }
        };
        assertThatThrownBy(() -> MirroringBackend.builder(Refused.class).primary("old", store).journal(journal)
                .meterRegistry(new SimpleMeterRegistry()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write observer 'journal'")
                .hasMessageMatching("(?s).*Refused\\.(keep|schedule): parameter 1 .*cannot be journaled by the Jackson"
                        + " codec.*");
        journal.close();
    }
}
