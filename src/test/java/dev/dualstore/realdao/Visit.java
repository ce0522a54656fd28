package dev.dualstore.realdao;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.LocalDate;

/** A visit of a pet to the clinic: {@code visit.pet.owner.pets} leads back to it; its pet is lazy. No {@code equals}. */
@Entity
@Table(name = "visits")
public class Visit {
    @Id
    private Long id;
    private LocalDate date;
    private String description;
    @ManyToOne(fetch = FetchType.LAZY)
    private Pet pet;

    protected Visit() {}

    public Visit(LocalDate date, String description) {
        this.date = date;
        this.description = description;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public LocalDate getDate() {
        return date;
    }

    public String getDescription() {
        return description;
    }

    public Pet getPet() {
        return pet;
    }

    public void setPet(Pet pet) {
        this.pet = pet;
    }
}
