package dev.dualstore.realdao;

import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Optional;

/**
 * Owners over JPA (Hibernate; the new store, the secondary), written as Spring Data's
 * {@code SimpleJpaRepository} is: each call in a transaction of its own, a new entity persisted
 * and one with an id merged. The entities it returns are detached, their lazy pets unloaded.
 */
public class JpaOwnerRepository implements OwnerRepository {
    private final EntityManagerFactory jpa;

    public JpaOwnerRepository(EntityManagerFactory jpa) {
        this.jpa = jpa;
    }

    @Override
    public Optional<Owner> findById(long id) {
        return jpa.callInTransaction(em -> Optional.ofNullable(em.find(Owner.class, id)));
    }

    @Override
    public List<Owner> findByLastName(String lastName) {
        return jpa.callInTransaction(em -> em.createQuery("select o from Owner o where o.lastName = :name order by o.id",
                Owner.class).setParameter("name", lastName).getResultList());
    }

    @Override
    public long count() {
        return jpa.callInTransaction(em -> em.createQuery("select count(o) from Owner o", Long.class).getSingleResult());
    }

    @Override
    public Owner save(Owner owner) {
        return jpa.callInTransaction(em -> {
            if (owner.getId() == null) {
                em.persist(owner);
                return owner;
            }
            return em.merge(owner);
        });
    }

    @Override
    public int updateLastName(long id, String lastName) {
        return jpa.callInTransaction(em -> em.createQuery("update Owner o set o.lastName = :name where o.id = :id")
                .setParameter("name", lastName).setParameter("id", id).executeUpdate());
    }
}
