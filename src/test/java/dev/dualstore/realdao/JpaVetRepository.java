package dev.dualstore.realdao;

import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Optional;

/** Vets over JPA; specialties are eager. */
public class JpaVetRepository implements VetRepository {
    private final EntityManagerFactory jpa;

    public JpaVetRepository(EntityManagerFactory jpa) {
        this.jpa = jpa;
    }

    @Override
    public List<Vet> findAll() {
        return jpa.callInTransaction(em -> em.createQuery("select distinct v from Vet v left join fetch v.specialties"
                + " order by v.lastName, v.id", Vet.class).getResultList());
    }

    @Override
    public Optional<Vet> findById(long id) {
        return jpa.callInTransaction(em -> Optional.ofNullable(em.find(Vet.class, id)));
    }
}
