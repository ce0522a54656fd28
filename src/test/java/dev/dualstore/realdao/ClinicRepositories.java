package dev.dualstore.realdao;

/** One store's four repositories; {@code with...} replaces one, for a test that plants a difference. */
record ClinicRepositories(OwnerRepository owners, PetRepository pets, VisitRepository visits, VetRepository vets) {
    ClinicRepositories withOwners(OwnerRepository replacement) {
        return new ClinicRepositories(replacement, pets, visits, vets);
    }

    ClinicRepositories withVisits(VisitRepository replacement) {
        return new ClinicRepositories(owners, pets, replacement, vets);
    }
}
