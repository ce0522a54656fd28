package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DialectTest {
    /** Metadata that knows only its product name (a proxy: Mockito cannot mock java.sql types on JDK 25). */
    private static DatabaseMetaData product(String name) {
        return (DatabaseMetaData) Proxy.newProxyInstance(DialectTest.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getDatabaseProductName")) {
                        return name;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
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
