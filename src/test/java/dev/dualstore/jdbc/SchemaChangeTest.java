package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.table.RowKey;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.SchemaChangedException;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A table whose schema changes under it fails closed, naming the column. */
class SchemaChangeTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static JdbcTable people(Server server, String name) {
        databases.execute(server, "CREATE TABLE " + name + " (id " + server.type("bigint") + " NOT NULL, "
                + "org " + server.type("bigint") + " NOT NULL, note varchar(40), PRIMARY KEY (id, org))");
        JdbcTable table = JdbcTable.of(databases.dataSource(server), name);
        table.upsert(IntStream.range(0, 30).mapToObj(i -> Row.builder().set("id", i).set("org", 1).set("note", "n" + i).build())
                .toList());
        return table;
    }

    private static String retype(Server server, String table) {
        switch (server) {
            case POSTGRESQL:
                return "ALTER TABLE " + table + " ALTER COLUMN note TYPE varchar(80)";
            case MARIADB:
                return "ALTER TABLE " + table + " MODIFY note varchar(80)";
            default:
                return "ALTER TABLE " + table + " ALTER COLUMN note SET DATA TYPE varchar(80)";
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aColumnAddedMidScanStopsTheScanNamingIt(Server server) {
        JdbcTable table = people(server, "added");
        Iterator<Row> rows = table.stream(KeyRange.all(), 10).iterator();
        for (int i = 0; i < 10; i++) {
            rows.next();
        }
        databases.execute(server, "ALTER TABLE added ADD COLUMN extra integer");

        assertThatThrownBy(() -> {
            while (rows.hasNext()) {
                rows.next();
            }
        }).isInstanceOfSatisfying(SchemaChangedException.class, e -> {
            assertThat(e.column()).isEqualTo("extra");
            assertThat(e.table()).isEqualTo("added");
        }).hasMessage("column extra was added to table added");
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aRetypedColumnStopsWritesNamingIt(Server server) {
        JdbcTable table = people(server, "retyped");
        databases.execute(server, retype(server, "retyped"));

        assertThatThrownBy(() -> table.upsert(List.of(Row.builder().set("id", 99).set("org", 1).set("note", "x").build())))
                .isInstanceOfSatisfying(SchemaChangedException.class, e -> assertThat(e.column()).isEqualTo("note"))
                .hasMessageContaining("column note of table retyped changed type from")
                .hasMessageContaining("(40)").hasMessageContaining("(80)");
        assertThat(JdbcTable.of(databases.dataSource(server), "retyped").read(List.of(RowKey.of(99, 1)))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aDroppedColumnOrKeyChangeStopsEveryCall(Server server) {
        JdbcTable dropped = people(server, "dropped");
        databases.execute(server, "ALTER TABLE dropped DROP COLUMN note");
        assertThatThrownBy(() -> dropped.read(List.of(RowKey.of(1, 1))))
                .isInstanceOfSatisfying(SchemaChangedException.class, e -> assertThat(e.column()).isEqualTo("note"))
                .hasMessage("column note of table dropped was dropped or renamed");
        assertThatThrownBy(() -> dropped.delete(List.of(RowKey.of(1, 1)))).isInstanceOf(SchemaChangedException.class);
        assertThatThrownBy(dropped::verifySchema).isInstanceOf(SchemaChangedException.class);

        JdbcTable rekeyed = people(server, "rekeyed");
        databases.execute(server, "ALTER TABLE rekeyed DROP PRIMARY KEY".replace("DROP PRIMARY KEY",
                server == Server.POSTGRESQL ? "DROP CONSTRAINT rekeyed_pkey" : "DROP PRIMARY KEY"),
                "ALTER TABLE rekeyed ADD PRIMARY KEY (id)");
        assertThatThrownBy(() -> rekeyed.scan(KeyRange.all(), 5))
                .isInstanceOfSatisfying(SchemaChangedException.class, e -> assertThat(e.column()).isEqualTo("org"))
                .hasMessage("column org left the primary key of table rekeyed");

        JdbcTable gone = people(server, "gone");
        databases.execute(server, "DROP TABLE gone");
        assertThatThrownBy(() -> gone.scan(KeyRange.all(), 5)).isInstanceOf(SchemaChangedException.class)
                .hasMessage("table gone no longer exists");
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void anUnchangedSchemaPassesTheCheck(Server server) {
        JdbcTable table = people(server, "unchanged");
        table.verifySchema();
        assertThat(table.scan(KeyRange.all(), 100)).hasSize(30);
    }
}
