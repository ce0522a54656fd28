package dev.dualstore.realdao;

import java.sql.PreparedStatement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

/** The one insert helper the JDBC repositories share: the database assigns the id. */
final class JdbcRows {
    private JdbcRows() {}

    /** Runs {@code sql} (an INSERT) with {@code values} and answers the id the database generated. */
    static long insert(JdbcTemplate jdbc, String sql, Object... values) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql, new String[] {"id"});
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement;
        }, keys);
        return keys.getKey().longValue();
    }
}
