package dev.dualstore.realdao;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.transaction.annotation.Transactional;

/**
 * The clinic's service, as a Spring application writes one: {@code @Transactional} methods over the
 * four repositories, bound to the old store's transaction manager (the only one the application
 * has). It knows nothing of dualstore: it is given the repositories' proxies.
 */
public class ClinicService {
    private final OwnerRepository owners;
    private final PetRepository pets;
    private final VisitRepository visits;
    private final VetRepository vets;

    public ClinicService(OwnerRepository owners, PetRepository pets, VisitRepository visits, VetRepository vets) {
        this.owners = owners;
        this.pets = pets;
        this.visits = visits;
        this.vets = vets;
    }

    /** Saves a new owner and each of its pets, in one transaction. */
    @Transactional
    public Owner registerOwner(Owner owner, List<Pet> newPets) {
        owners.save(owner);
        for (Pet pet : newPets) {
            if (pet.getName() == null || pet.getName().isBlank()) {
                throw new IllegalArgumentException("a pet needs a name"); // after the owner's insert: rolls it back
            }
            pets.save(owner.addPet(pet));
        }
        return owner;
    }

    /** Records a visit of a pet the clinic knows. */
    @Transactional
    public Visit addVisit(long petId, LocalDate date, String description) {
        Pet pet = pets.findById(petId).orElseThrow(() -> new IllegalArgumentException("no pet " + petId));
        return visits.save(pet.addVisit(new Visit(date, description)));
    }

    /** Changes an owner's last name; fails when there is no such owner. */
    @Transactional
    public void renameOwner(long ownerId, String lastName) {
        if (owners.updateLastName(ownerId, lastName) != 1) {
            throw new IllegalArgumentException("no owner " + ownerId);
        }
    }

    /** Moves an owner to another city, through the entity: read it, change it, save it. */
    @Transactional
    public Owner moveOwner(long ownerId, String city) {
        Owner owner = owners.findById(ownerId).orElseThrow(() -> new IllegalArgumentException("no owner " + ownerId));
        owner.setCity(city);
        return owners.save(owner);
    }

    @Transactional(readOnly = true)
    public Optional<Owner> owner(long ownerId) {
        return owners.findById(ownerId);
    }

    @Transactional(readOnly = true)
    public List<Owner> ownersNamed(String lastName) {
        return owners.findByLastName(lastName);
    }

    @Transactional(readOnly = true)
    public List<Pet> petsOf(long ownerId) {
        return pets.findByOwnerId(ownerId);
    }

    @Transactional(readOnly = true)
    public List<Visit> visitsOf(long petId) {
        return visits.findByPetId(petId);
    }

    @Transactional(readOnly = true)
    public List<Visit> allVisits() {
        return visits.findAll();
    }

    @Transactional(readOnly = true)
    public List<Vet> vets() {
        return vets.findAll();
    }

    @Transactional(readOnly = true)
    public long ownerCount() {
        return owners.count();
    }
}
