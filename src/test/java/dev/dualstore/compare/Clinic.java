package dev.dualstore.compare;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A clinic's entities as a JDBC or JPA DAO returns them: mutable, no {@code equals}, owners and
 * pets pointing at each other. Fresh graphs from {@link #visits} are equal field by field and
 * share no instance.
 */
public final class Clinic {

    private Clinic() {}

    public static class Owner {
        Long id;
        String name;
        List<Pet> pets = new ArrayList<>();

        public Owner(Long id, String name) {
            this.id = id;
            this.name = name;
        }

        public Pet adopt(Pet pet) {
            pets.add(pet);
            pet.owner = this;
            return pet;
        }
    }

    public static class Pet {
        Long id;
        String name;
        Owner owner;

        public Pet(Long id, String name) {
            this.id = id;
            this.name = name;
        }

        public Owner getOwner() {
            return owner;
        }

        public void setOwner(Owner owner) {
            this.owner = owner;
        }
    }

    /** The primary's own subclass of {@link Pet}, with a column only it knows. */
    public static class JdbcPet extends Pet {
        long rowVersion;

        public JdbcPet(Long id, String name, long rowVersion) {
            super(id, name);
            this.rowVersion = rowVersion;
        }
    }

    public static class Visit {
        Long id;
        Pet pet;
        Instant at;
        String notes;

        public Visit(Long id, Pet pet, Instant at, String notes) {
            this.id = id;
            this.pet = pet;
            this.at = at;
            this.notes = notes;
        }

        public Pet getPet() {
            return pet;
        }
    }

    public static final Instant NOON = Instant.parse("2024-05-01T12:00:00Z");

    /** Two visits: George's cat Leo and Betty's dog Basil, each owner with all of their pets. */
    public static List<Visit> visits() {
        Owner george = new Owner(1L, "George");
        Pet leo = george.adopt(new Pet(10L, "Leo"));
        george.adopt(new Pet(11L, "Max"));
        Owner betty = new Owner(2L, "Betty");
        Pet basil = betty.adopt(new Pet(20L, "Basil"));
        return new ArrayList<>(List.of(new Visit(100L, leo, NOON, "rabies shot"), new Visit(101L, basil, NOON, "checkup")));
    }
}
