package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DialectTest {
    private static DatabaseMetaData product(String name) throws SQLException {
        DatabaseMetaData metaData = mock(DatabaseMetaData.class);
        when(metaData.getDatabaseProductName()).thenReturn(name);
        return metaData;
    }

    @Test
    void theDialectComesFromTheProductName() throws SQLException {
        assertThat(Dialect.of(product("PostgreSQL"))).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.of(product("MariaDB"))).isEqualTo(Dialect.MARIADB);
        assertThat(Dialect.of(product("MySQL"))).isEqualTo(Dialect.MARIADB);
        assertThat(Dialect.of(product("H2"))).isEqualTo(Dialect.H2);
    }

    @Test
    void anotherDatabaseIsRefusedByName() {
        assertThatThrownBy(() -> Dialect.of(product("Oracle"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database product 'Oracle' is not supported; JdbcTable supports PostgreSQL, MariaDB, MySQL and H2");
    }
}
