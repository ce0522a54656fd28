package dev.dualstore.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RowMappingTest {
    private static final OffsetDateTime AT = OffsetDateTime.of(2024, 5, 1, 8, 0, 0, 0, ZoneOffset.UTC);

    /** The example of RowMapping's javadoc. */
    static final RowMapping FOLLOWS_TO_ASSOC = RowMapping.builder()
            .rename("from_user", "id1")
            .rename("to_user", "id2")
            .rename("created_at", "time")
            .derive("type", source -> "follows")
            .derive("data", source -> null)
            .build();

    private static Row follow(String from, String to) {
        return Row.builder().set("from_user", from).set("to_user", to).set("created_at", AT).build();
    }

    @Test
    void followsBecomeAssociations() {
        Row assoc = FOLLOWS_TO_ASSOC.map(follow("alice", "channel-1"));

        assertThat(assoc.columnNames()).containsExactly("id1", "id2", "time", "type", "data");
        assertThat(assoc).isEqualTo(Row.builder().set("id1", "alice").set("type", "follows").set("id2", "channel-1")
                .set("time", AT).set("data", null).build());
        assertThat(assoc.get("data")).isNull();
    }

    @Test
    void unmentionedColumnsPassThroughAndDroppedOnesDoNot() {
        RowMapping mapping = RowMapping.builder().drop("secret").rename("a", "b")
                .derive("sum", r -> (Long) r.get("a") + (Long) r.get("c")).build();

        Row target = mapping.map(Row.builder().set("a", 1).set("secret", "x").set("c", 2).build());

        assertThat(target.asMap()).containsExactly(java.util.Map.entry("b", 1L), java.util.Map.entry("c", 2L),
                java.util.Map.entry("sum", 3L));
    }

    @Test
    void aSourceRowWithoutAMappedColumnFailsNamingIt() {
        assertThatThrownBy(() -> FOLLOWS_TO_ASSOC.map(Row.builder().set("from_user", "a").set("to_user", "b").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks column created_at");
        RowMapping collides = RowMapping.builder().rename("a", "b").build();
        assertThatThrownBy(() -> collides.map(Row.builder().set("a", 1).set("b", 2).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source column b passes through");
    }

    @Test
    void theBuilderRefusesContradictions() {
        assertThatThrownBy(() -> RowMapping.builder().rename("a", "b").rename("a", "c"))
                .hasMessage("source column a is already renamed to b");
        assertThatThrownBy(() -> RowMapping.builder().drop("a").rename("a", "c")).hasMessage("source column a is already dropped");
        assertThatThrownBy(() -> RowMapping.builder().rename("a", "b").derive("b", r -> 1))
                .hasMessage("target column b is already a rename target");
        assertThatThrownBy(() -> RowMapping.builder().derive("b", r -> 1).rename("x", "b"))
                .hasMessage("target column b is already derived");
    }

    @Test
    void mappingsCompose() {
        RowMapping upper = source -> source.with("id1", ((String) source.get("id1")).toUpperCase(java.util.Locale.ROOT));

        assertThat(FOLLOWS_TO_ASSOC.andThen(upper).map(follow("alice", "b")).get("id1")).isEqualTo("ALICE");
        assertThat(RowMapping.identity().map(follow("a", "b"))).isEqualTo(follow("a", "b"));
    }
}
