package dev.dualstore.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.Row;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sample of differences is logged with keys and columns; values only through a redactor. */
class CheckLogsTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static JdbcTable table(String name, String label) {
        databases.execute(Server.H2, "CREATE TABLE " + name + " (id bigint PRIMARY KEY, label varchar(100))");
        JdbcTable table = JdbcTable.of(databases.dataSource(Server.H2), name);
        table.upsert(List.of(Row.builder().set("id", 42).set("label", label).build(),
                Row.builder().set("id", 43).set("label", "same").build()));
        return table;
    }

    @Test
    void valuesAreLoggedOnlyThroughARedactor() {
        JdbcTable source = table("logs_a", "secret-old");
        JdbcTable target = table("logs_b", "secret-new");

        Check.between(source, target).run();
        assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("different RowKey(42) [label]"))
                .anySatisfy(m -> assertThat(m).contains("2 rows compared"))
                .noneSatisfy(m -> assertThat(m).contains("secret"));

        Check.between(source, target).logValues(value -> "<" + String.valueOf(value).length() + " chars>").run();
        assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("label: <10 chars> vs <10 chars>"))
                .noneSatisfy(m -> assertThat(m).contains("secret"));
    }
}
