package dev.dualstore.realdao;

import java.util.List;
import java.util.Optional;

/** Vets with their specialties, reference data: reads only. */
public interface VetRepository {
    /** Every vet, by last name, each with its specialties by name. */
    List<Vet> findAll();

    Optional<Vet> findById(long id);
}
