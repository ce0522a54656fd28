package dev.dualstore.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One instance's acknowledgement, as a {@link MigrationControl} holds it. Immutable.
 *
 * @param instance  the instance's name
 * @param version   the {@link ControlState#version()} it applied; 0 if it found no plan started, -1 while it joins
 * @param step      the step of that version, -1 while it is joining
 * @param expiresAt when the lease ends unless renewed
 */
public record InstanceAck(String instance, long version, int step, Instant expiresAt) {
    /** Checks the fields. */
    public InstanceAck {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
