package dev.dualstore.realdao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Owners over JDBC (the old store, the primary): Spring's {@code JdbcTemplate}, so each call joins
 * the transaction Spring has bound to the thread. {@code findById} loads the owner's pets.
 */
public class JdbcOwnerRepository implements OwnerRepository {
    private final JdbcTemplate jdbc;

    public JdbcOwnerRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private static Owner owner(ResultSet rs, int row) throws SQLException {
        Owner owner = new Owner(rs.getString("first_name"), rs.getString("last_name"), rs.getString("city"));
        owner.setId(rs.getLong("id"));
        return owner;
    }

    @Override
    public Optional<Owner> findById(long id) {
        List<Owner> found = jdbc.query("select * from owners where id = ?", JdbcOwnerRepository::owner, id);
        found.forEach(owner -> JdbcPetRepository.petsOf(jdbc, owner));
        return found.stream().findFirst();
    }

    @Override
    public List<Owner> findByLastName(String lastName) {
        return jdbc.query("select * from owners where last_name = ? order by id", JdbcOwnerRepository::owner, lastName);
    }

    @Override
    public long count() {
        return jdbc.queryForObject("select count(*) from owners", Long.class);
    }

    @Override
    public Owner save(Owner owner) {
        if (owner.getId() == null) {
            owner.setId(JdbcRows.insert(jdbc, "insert into owners (first_name, last_name, city) values (?, ?, ?)",
                    owner.getFirstName(), owner.getLastName(), owner.getCity()));
        } else {
            jdbc.update("update owners set first_name = ?, last_name = ?, city = ? where id = ?",
                    owner.getFirstName(), owner.getLastName(), owner.getCity(), owner.getId());
        }
        return owner;
    }

    @Override
    public int updateLastName(long id, String lastName) {
        return jdbc.update("update owners set last_name = ? where id = ?", lastName, id);
    }
}
