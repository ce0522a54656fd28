package dev.dualstore.realdao;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** A pet: its owner and its visits lazy (queries fetch the owner when they need it). No {@code equals}. */
@Entity
@Table(name = "pets")
public class Pet {
    @Id
    private Long id;
    private String name;
    private String type;
    private LocalDate birthDate;
    @ManyToOne(fetch = FetchType.LAZY)
    private Owner owner;
    @OneToMany(mappedBy = "pet", fetch = FetchType.LAZY)
    @OrderBy("date")
    private List<Visit> visits = new ArrayList<>();

    protected Pet() {}

    public Pet(String name, String type, LocalDate birthDate) {
        this.name = name;
        this.type = type;
        this.birthDate = birthDate;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public String getType() {
        return type;
    }

    public LocalDate getBirthDate() {
        return birthDate;
    }

    public Owner getOwner() {
        return owner;
    }

    public void setOwner(Owner owner) {
        this.owner = owner;
    }

    public List<Visit> getVisits() {
        return visits;
    }

    /** Adds {@code visit} to this pet's visits and makes this its pet. */
    public Visit addVisit(Visit visit) {
        visits.add(visit);
        visit.setPet(this);
        return visit;
    }
}
