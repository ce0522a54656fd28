package dev.dualstore.realdao;

import java.time.LocalDate;

/**
 * What the JDBC store builds for a pet row: a {@link Pet} that also remembers its row's owner id,
 * as hand-written row mappers often do. JPA knows no such entity type.
 */
public class JdbcPet extends Pet {
    private final long ownerId;

    JdbcPet(long id, String name, String type, LocalDate birthDate, long ownerId) {
        super(name, type, birthDate);
        setId(id);
        this.ownerId = ownerId;
    }

    public long getOwnerId() {
        return ownerId;
    }
}
