package dev.dualstore.realdao;

import jakarta.persistence.EntityManagerFactory;
import java.util.List;

/** Visits over JPA, Spring Data style; queries fetch each visit's pet and the pet's owner. */
public class JpaVisitRepository implements VisitRepository {
    private final EntityManagerFactory jpa;

    public JpaVisitRepository(EntityManagerFactory jpa) {
        this.jpa = jpa;
    }

    /** The order of {@link #findAll()}: by date, then id. */
    protected String order() {
        return "v.date, v.id";
    }

    @Override
    public List<Visit> findByPetId(long petId) {
        return jpa.callInTransaction(em -> em.createQuery("select v from Visit v join fetch v.pet p join fetch p.owner"
                + " where p.id = :pet order by v.date, v.id", Visit.class).setParameter("pet", petId).getResultList());
    }

    @Override
    public List<Visit> findAll() {
        return jpa.callInTransaction(em -> em.createQuery("select v from Visit v join fetch v.pet p join fetch p.owner"
                + " order by " + order(), Visit.class).getResultList());
    }

    @Override
    public Visit save(Visit visit) {
        return jpa.callInTransaction(em -> {
            if (visit.getId() == null) {
                em.persist(visit);
                return visit;
            }
            return em.merge(visit);
        });
    }

    @Override
    public int deleteByPetId(long petId) {
        return jpa.callInTransaction(em -> em.createQuery("delete from Visit v where v.pet.id = :pet")
                .setParameter("pet", petId).executeUpdate());
    }
}
