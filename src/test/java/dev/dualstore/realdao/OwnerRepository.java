package dev.dualstore.realdao;

import java.util.List;
import java.util.Optional;

/** Owners, Spring Data style: nothing annotated, classified by name. */
public interface OwnerRepository {
    Optional<Owner> findById(long id);

    /** Owners of that last name, by id. */
    List<Owner> findByLastName(String lastName);

    long count();

    /** Inserts a new owner (the database assigns its id, written into {@code owner}) or updates one. */
    Owner save(Owner owner);

    /** @return the number of rows changed: 1, or 0 when there is no such owner */
    int updateLastName(long id, String lastName);
}
