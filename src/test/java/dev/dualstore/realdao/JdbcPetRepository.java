package dev.dualstore.realdao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Pets over JDBC: rows become {@link JdbcPet}s, each with its owner (whose pets are loaded with
 * it); a pet's visits are not loaded.
 */
public class JdbcPetRepository implements PetRepository {
    private final JdbcTemplate jdbc;

    public JdbcPetRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    static JdbcPet pet(ResultSet rs) throws SQLException {
        return new JdbcPet(rs.getLong("id"), rs.getString("name"), rs.getString("type"),
                rs.getObject("birth_date", LocalDate.class), rs.getLong("owner_id"));
    }

    /** Loads {@code owner}'s pets into it, each pointing back at it. */
    static List<Pet> petsOf(JdbcTemplate jdbc, Owner owner) {
        for (Pet pet : jdbc.query("select * from pets where owner_id = ? order by name", (rs, n) -> pet(rs), owner.getId())) {
            owner.addPet(pet);
        }
        return owner.getPets();
    }

    @Override
    public Optional<Pet> findById(long id) {
        List<JdbcPet> found = jdbc.query("select * from pets where id = ?", (rs, n) -> pet(rs), id);
        return found.stream().findFirst().map(pet -> {
            Owner owner = new JdbcOwnerRepository(jdbc).findById(pet.getOwnerId()).orElseThrow();
            return owner.getPets().stream().filter(p -> p.getId() == id).findFirst().orElseThrow();
        });
    }

    @Override
    public List<Pet> findByOwnerId(long ownerId) {
        return new JdbcOwnerRepository(jdbc).findById(ownerId).map(Owner::getPets).orElse(List.of());
    }

    @Override
    public Pet save(Pet pet) {
        if (pet.getId() == null) {
            pet.setId(JdbcRows.insert(jdbc, "insert into pets (name, type, birth_date, owner_id) values (?, ?, ?, ?)",
                    pet.getName(), pet.getType(), pet.getBirthDate(), pet.getOwner().getId()));
        } else {
            jdbc.update("update pets set name = ?, type = ?, birth_date = ?, owner_id = ? where id = ?",
                    pet.getName(), pet.getType(), pet.getBirthDate(), pet.getOwner().getId(), pet.getId());
        }
        return pet;
    }
}
