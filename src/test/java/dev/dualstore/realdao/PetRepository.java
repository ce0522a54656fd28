package dev.dualstore.realdao;

import java.util.List;
import java.util.Optional;

/** Pets, Spring Data style. */
public interface PetRepository {
    Optional<Pet> findById(long id);

    /** An owner's pets, by name. */
    List<Pet> findByOwnerId(long ownerId);

    /** Inserts a new pet of {@code pet.getOwner()} (its id written into {@code pet}) or updates one. */
    Pet save(Pet pet);
}
