package dev.dualstore.realdao;

import java.util.List;

/** Visits, Spring Data style. */
public interface VisitRepository {
    /** A pet's visits, by date then id; each with its pet and the pet's owner. */
    List<Visit> findByPetId(long petId);

    /** Every visit, by date then id: the order is part of the answer. */
    List<Visit> findAll();

    /** Inserts a visit of {@code visit.getPet()}, its id written into {@code visit}. */
    Visit save(Visit visit);

    /** @return the number of visits deleted */
    int deleteByPetId(long petId);
}
