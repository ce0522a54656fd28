package dev.dualstore.realdao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** Visits over JDBC, each with its pet and the pet's owner, read in one join. */
public class JdbcVisitRepository implements VisitRepository {
    private static final String SELECT = "select v.id, v.visit_date, v.description, p.id as pet_id, p.name, p.type,"
            + " p.birth_date, p.owner_id, o.first_name, o.last_name, o.city"
            + " from visits v join pets p on p.id = v.pet_id join owners o on o.id = p.owner_id";
    private final JdbcTemplate jdbc;

    public JdbcVisitRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The visits of the rows, sharing one pet object per pet and one owner object per owner. */
    private List<Visit> visits(String where, Object... values) {
        Map<Long, Pet> pets = new HashMap<>();
        Map<Long, Owner> owners = new HashMap<>();
        return jdbc.query(SELECT + where + " order by v.visit_date, v.id", (rs, n) -> {
            Visit visit = new Visit(rs.getObject("visit_date", LocalDate.class), rs.getString("description"));
            visit.setId(rs.getLong("id"));
            visit.setPet(pets.computeIfAbsent(rs.getLong("pet_id"), id -> petOf(rs, owners)));
            return visit;
        }, values);
    }

    private JdbcPet petOf(ResultSet rs, Map<Long, Owner> owners) {
        try {
            JdbcPet pet = new JdbcPet(rs.getLong("pet_id"), rs.getString("name"), rs.getString("type"),
                    rs.getObject("birth_date", LocalDate.class), rs.getLong("owner_id"));
            pet.setOwner(owners.computeIfAbsent(pet.getOwnerId(), id -> ownerOf(rs, id)));
            return pet;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pet's owner; its pets are not loaded here. */
    protected Owner ownerOf(ResultSet rs, long id) {
        try {
            Owner owner = new Owner(rs.getString("first_name"), rs.getString("last_name"), rs.getString("city"));
            owner.setId(id);
            return owner;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<Visit> findByPetId(long petId) {
        return visits(" where p.id = ?", petId);
    }

    @Override
    public List<Visit> findAll() {
        return visits("");
    }

    @Override
    public Visit save(Visit visit) {
        visit.setId(JdbcRows.insert(jdbc, "insert into visits (pet_id, visit_date, description) values (?, ?, ?)",
                visit.getPet().getId(), visit.getDate(), visit.getDescription()));
        return visit;
    }

    @Override
    public int deleteByPetId(long petId) {
        return jdbc.update("delete from visits where pet_id = ?", petId);
    }
}
