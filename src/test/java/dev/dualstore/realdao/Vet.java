package dev.dualstore.realdao;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** A vet and their specialties (reference data both stores hold). No {@code equals}. */
@Entity
@Table(name = "vets")
public class Vet {
    @Id
    private Long id;
    private String firstName;
    private String lastName;
    @ManyToMany(fetch = FetchType.EAGER)
    @JoinTable(name = "vet_specialties")
    @OrderBy("name")
    private List<Specialty> specialties = new ArrayList<>();

    protected Vet() {}

    public Vet(long id, String firstName, String lastName) {
        this.id = id;
        this.firstName = firstName;
        this.lastName = lastName;
    }

    public Long getId() {
        return id;
    }

    public String getFirstName() {
        return firstName;
    }

    public String getLastName() {
        return lastName;
    }

    public List<Specialty> getSpecialties() {
        return specialties;
    }
}
