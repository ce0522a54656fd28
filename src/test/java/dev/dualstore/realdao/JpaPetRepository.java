package dev.dualstore.realdao;

import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Optional;

/** Pets over JPA, Spring Data style: a pet's owner is loaded with it, its visits are lazy. */
public class JpaPetRepository implements PetRepository {
    private final EntityManagerFactory jpa;

    public JpaPetRepository(EntityManagerFactory jpa) {
        this.jpa = jpa;
    }

    @Override
    public Optional<Pet> findById(long id) {
        return jpa.callInTransaction(em -> Optional.ofNullable(em.find(Pet.class, id)));
    }

    @Override
    public List<Pet> findByOwnerId(long ownerId) {
        return jpa.callInTransaction(em -> em.createQuery("select p from Pet p where p.owner.id = :owner order by p.name",
                Pet.class).setParameter("owner", ownerId).getResultList());
    }

    @Override
    public Pet save(Pet pet) {
        return jpa.callInTransaction(em -> {
            if (pet.getId() == null) {
                em.persist(pet);
                return pet;
            }
            return em.merge(pet);
        });
    }
}
