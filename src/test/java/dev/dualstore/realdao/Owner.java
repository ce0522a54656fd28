package dev.dualstore.realdao;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * A pet owner, as a petclinic maps it: mutable, no {@code equals}, its pets a lazy
 * {@code @OneToMany}. The id is the primary's: the JDBC store's database generates it, and the
 * JPA store stores the id it is given (so the mapping has no generator).
 */
@Entity
@Table(name = "owners")
public class Owner {
    @Id
    private Long id;
    private String firstName;
    private String lastName;
    private String city;
    @OneToMany(mappedBy = "owner", fetch = FetchType.LAZY)
    @OrderBy("name")
    private List<Pet> pets = new ArrayList<>();

    protected Owner() {}

    public Owner(String firstName, String lastName, String city) {
        this.firstName = firstName;
        this.lastName = lastName;
        this.city = city;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getFirstName() {
        return firstName;
    }

    public String getLastName() {
        return lastName;
    }

    public void setLastName(String lastName) {
        this.lastName = lastName;
    }

    public String getCity() {
        return city;
    }

    public void setCity(String city) {
        this.city = city;
    }

    public List<Pet> getPets() {
        return pets;
    }

    /** Adds {@code pet} to this owner's pets and makes this its owner. */
    public Pet addPet(Pet pet) {
        pets.add(pet);
        pet.setOwner(this);
        return pet;
    }
}
