package dev.dualstore.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys, rows, ranges and columns hold canonical values and refuse what they cannot hold. */
class ValuesTest {
    @Test
    void keysOfEqualValuesAreEqualWhateverTheJavaType() {
        OffsetDateTime paris = OffsetDateTime.of(2024, 1, 1, 13, 0, 0, 0, ZoneOffset.ofHours(1));
        assertThat(RowKey.of(5, "a")).isEqualTo(RowKey.of(5L, "a")).hasSameHashCodeAs(RowKey.of((short) 5, "a"));
        assertThat(RowKey.of(paris)).isEqualTo(RowKey.of(Instant.parse("2024-01-01T12:00:00Z")));
        assertThat(RowKey.of(new BigDecimal("1.50"))).isEqualTo(RowKey.of(new BigDecimal("1.5")))
                .hasSameHashCodeAs(RowKey.of(new BigDecimal("1.5")));
        assertThat(RowKey.of(new byte[] {1, 2})).isEqualTo(RowKey.of(new byte[] {1, 2})).isNotEqualTo(RowKey.of(new byte[] {1, 3}));
        assertThat(RowKey.of("a", 1)).isNotEqualTo(RowKey.of(1, "a"));
    }

    @Test
    void keysRefuseNullsAndEmptiness() {
        assertThatThrownBy(() -> RowKey.of("a", null)).hasMessage("key value 1 is null; key columns never are");
        assertThatThrownBy(RowKey::of).hasMessage("a key has at least one value");
    }

    @Test
    void rowsKeepNullApartFromEmptyAndCannotBeChangedThroughTheirBytes() {
        byte[] bytes = {1, 2, 3};
        Row row = Row.builder().set("a", null).set("b", "").set("c", bytes).build();
        bytes[0] = 9;
        ((byte[]) row.get("c"))[1] = 9;

        assertThat(row.get("a")).isNull();
        assertThat(row.get("b")).isEqualTo("");
        assertThat(row).isNotEqualTo(Row.builder().set("a", "").set("b", "").set("c", new byte[] {1, 2, 3}).build());
        assertThat(row).isEqualTo(Row.builder().set("c", new byte[] {1, 2, 3}).set("b", "").set("a", null).build());
        assertThat((byte[]) row.get("c")).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> row.get("d")).hasMessageContaining("row has no column d");
        assertThatThrownBy(() -> Row.builder().set("a", 1).set("a", 2)).hasMessage("column a is set twice");
    }

    @Test
    void columnsCheckRowsAndTheirOwnShape() {
        Columns columns = Columns.of(List.of("a", "b", "c"), List.of("b", "a"));
        assertThat(columns.nonKeyNames()).containsExactly("c");
        assertThat(columns.keyOf(Row.builder().set("a", 1).set("b", "x").set("c", null).build())).isEqualTo(RowKey.of("x", 1));
        assertThatThrownBy(() -> columns.check(Row.builder().set("a", 1).set("b", 2).build()))
                .hasMessageContaining("row lacks column c");
        assertThatThrownBy(() -> Columns.of(List.of("a"), List.of("z"))).hasMessageContaining("key column z is not a column");
        assertThatThrownBy(() -> columns.keyOf(Row.builder().set("a", 1).set("b", null).set("c", 1).build()))
                .hasMessage("key column b is null");
    }

    @Test
    void rangesAreValuesAndCheckTheirBounds() {
        KeyRange range = KeyRange.all().after(RowKey.of(1)).through(RowKey.of(2, "b"));
        assertThat(range.lower()).contains(new KeyRange.Bound(RowKey.of(1), false));
        assertThat(range.upper()).contains(new KeyRange.Bound(RowKey.of(2, "b"), true));
        assertThat(range).isEqualTo(KeyRange.all().through(RowKey.of(2, "b")).after(RowKey.of(1L)));
        assertThat(KeyRange.all().lower()).isEmpty();
        assertThatThrownBy(() -> range.checkFits(1, "t")).hasMessageContaining("upper has 2 values but table t has 1");
    }
}
