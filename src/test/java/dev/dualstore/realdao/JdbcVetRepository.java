package dev.dualstore.realdao;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Vets over JDBC: one join of vets and their specialties. */
public class JdbcVetRepository implements VetRepository {
    private final JdbcTemplate jdbc;

    public JdbcVetRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private List<Vet> vets(String where, Object... values) {
        Map<Long, Vet> vets = new LinkedHashMap<>();
        jdbc.query("select v.id, v.first_name, v.last_name, s.id as specialty_id, s.name from vets v"
                + " left join vet_specialties vs on vs.vet_id = v.id left join specialties s on s.id = vs.specialty_id"
                + where + " order by v.last_name, v.id, s.name", rs -> {
                    Vet vet = vets.computeIfAbsent(rs.getLong("id"), id -> {
                        try {
                            return new Vet(id, rs.getString("first_name"), rs.getString("last_name"));
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    long specialty = rs.getLong("specialty_id");
                    if (!rs.wasNull()) {
                        vet.getSpecialties().add(new Specialty(specialty, rs.getString("name")));
                    }
                }, values);
        return List.copyOf(vets.values());
    }

    @Override
    public List<Vet> findAll() {
        return vets("");
    }

    @Override
    public Optional<Vet> findById(long id) {
        return vets(" where v.id = ?", id).stream().findFirst();
    }
}
