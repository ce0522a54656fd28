package dev.dualstore.realdao;

/**
 * What the JPA store is given to save, in place of the objects the service passed the JDBC
 * store: entities of JPA's own mapped types ({@code Pet}, never {@code JdbcPet}), with the id the
 * JDBC store's database assigned, and their associations cut to references by id (an owner's
 * pets are the inverse side of the association: JPA writes nothing from them, but merging them
 * would look up pets the JPA store may not have yet). Used by {@code secondaryArguments}.
 */
final class JpaArguments {
    private JpaArguments() {}

    static Owner owner(Owner owner) {
        Owner copy = new Owner(owner.getFirstName(), owner.getLastName(), owner.getCity());
        copy.setId(owner.getId());
        return copy;
    }

    static Pet pet(Pet pet) {
        Pet copy = new Pet(pet.getName(), pet.getType(), pet.getBirthDate());
        copy.setId(pet.getId());
        copy.setOwner(owner(pet.getOwner()));
        return copy;
    }

    static Visit visit(Visit visit) {
        Visit copy = new Visit(visit.getDate(), visit.getDescription());
        copy.setId(visit.getId());
        copy.setPet(pet(visit.getPet()));
        return copy;
    }
}
