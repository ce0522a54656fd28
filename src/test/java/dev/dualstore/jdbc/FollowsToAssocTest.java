package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowMapping;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schema change of the migration example: Twitch's follows (from_user, to_user, created_at)
 * into a TAO-like association table (id1, type, id2, time, data), from each database into the next.
 */
class FollowsToAssocTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final OffsetDateTime T0 = OffsetDateTime.of(2024, 5, 1, 8, 0, 0, 250_000_000, ZoneOffset.UTC);

    private static final RowMapping FOLLOWS_TO_ASSOC = RowMapping.builder()
            .rename("from_user", "id1")
            .rename("to_user", "id2")
            .rename("created_at", "time")
            .derive("type", source -> "follows")
            .derive("data", source -> "{\"since\":\"" + source.get("created_at") + "\"}")
            .build();

    @ParameterizedTest
    @EnumSource(Server.class)
    void followsCopiedIntoTheNextDatabaseAsAssociations(Server source) {
        Server target = Server.values()[(source.ordinal() + 1) % Server.values().length];
        databases.execute(source, "CREATE TABLE follows_" + target.name().toLowerCase(java.util.Locale.ROOT)
                + " (from_user " + source.type("keytext") + " NOT NULL, to_user " + source.type("keytext")
                + " NOT NULL, created_at " + source.type("timestamptz") + ", PRIMARY KEY (from_user, to_user))");
        databases.execute(target, "CREATE TABLE assoc_" + source.name().toLowerCase(java.util.Locale.ROOT)
                + " (id1 " + target.type("keytext") + " NOT NULL, type " + target.type("keytext") + " NOT NULL, id2 "
                + target.type("keytext") + " NOT NULL, time " + target.type("timestamptz") + ", data "
                + target.type("text") + ", PRIMARY KEY (id1, type, id2))");
        JdbcTable follows = JdbcTable.of(databases.dataSource(source), "follows_" + target.name().toLowerCase(java.util.Locale.ROOT));
        JdbcTable assoc = JdbcTable.of(databases.dataSource(target), "assoc_" + source.name().toLowerCase(java.util.Locale.ROOT));
        List<Row> rows = new ArrayList<>();
        for (int user = 0; user < 12; user++) {
            for (int channel = 0; channel < 5; channel++) {
                rows.add(Row.builder().set("from_user", "user" + user).set("to_user", "channel" + channel)
                        .set("created_at", T0.plusSeconds(user * 60L + channel)).build());
            }
        }
        follows.upsert(rows);

        // A backfill's inner loop, by hand: page through the source, map, write the page.
        List<Row> page;
        KeyRange range = KeyRange.all();
        do {
            page = follows.scan(range, 16);
            assoc.upsert(page.stream().map(FOLLOWS_TO_ASSOC::map).toList());
            if (!page.isEmpty()) {
                range = range.after(follows.columns().keyOf(page.get(page.size() - 1)));
            }
        } while (page.size() == 16);

        List<Row> copied = assoc.scan(KeyRange.all(), 1000);
        assertThat(copied).hasSize(60).containsExactlyInAnyOrderElementsOf(rows.stream().map(FOLLOWS_TO_ASSOC::map).toList());
        assertThat(copied.get(0)).isEqualTo(Row.builder().set("id1", "user0").set("type", "follows").set("id2", "channel0")
                .set("time", T0).set("data", "{\"since\":\"" + T0 + "\"}").build());
    }
}
