package dev.dualstore.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a fleet's migration state lives: for each backend (by name), the step of the plan every
 * instance of the service should be at, and each instance's acknowledgement of the step it
 * applied, held under a lease. A backend built with {@code MirroringBackend.Builder#control}
 * follows it; {@code dev.dualstore.fleet.FleetMigration} moves it.
 *
 * <p>Every change of the step gets a new, higher {@link ControlState#version() version};
 * instances acknowledge versions, not step numbers, so a step reached again after a rollback is
 * told apart from the same step before it. {@link #change} is a compare-and-set on the version,
 * so two operators (or two instances running the plan) never both move the fleet from one
 * version.
 *
 * <p>An acknowledgement is an instance's heartbeat too: it holds until
 * {@link InstanceAck#expiresAt()}, {@link #lease()} after it was written, and an instance whose
 * lease expired is no longer live, so a dead instance holds the fleet back for one lease at most.
 *
 * <p>Implementations are threadsafe. A method that cannot reach the store behind the control
 * throws {@link ControlUnavailableException}; it never answers from a guess.
 */
public interface MigrationControl {

    /**
     * @param backend a backend's name
     * @return the step the fleet of {@code backend} is at, or empty if no plan has started
     * @throws ControlUnavailableException if the control cannot be reached
     */
    Optional<ControlState> current(String backend);

    /**
     * Moves {@code backend} to {@code next} if its version is still {@code expectedVersion}.
     *
     * @param backend         a backend's name
     * @param expectedVersion the version read before, 0 when no plan has started
     * @param next            the new state; its version must be {@code expectedVersion + 1}
     * @return whether the change was made; false if another change came first
     * @throws ControlUnavailableException if the control cannot be reached
     * @throws IllegalArgumentException    if {@code next}'s version is not {@code expectedVersion + 1}
     */
    boolean change(String backend, long expectedVersion, ControlState next);

    /**
     * Records that {@code instance} of {@code backend} has applied version {@code version} and is
     * alive, until {@link #lease()} from now. An instance that is joining acknowledges -1 before
     * it reads the control, so the fleet cannot move two steps while it joins; one that found no
     * plan started acknowledges 0.
     *
     * @param backend  a backend's name
     * @param instance the instance's name, unique in the fleet
     * @param version  the version it applied and now serves; 0 if no plan started, -1 while joining
     * @param step     the step of that version, -1 if none
     * @throws ControlUnavailableException if the control cannot be reached
     */
    void acknowledge(String backend, String instance, long version, int step);

    /**
     * @param backend a backend's name
     * @return the instances of {@code backend} whose lease has not expired, by name
     * @throws ControlUnavailableException if the control cannot be reached
     */
    List<InstanceAck> liveInstances(String backend);

    /**
     * Removes an instance's acknowledgement, so the fleet need not wait for its lease to expire.
     * Called by a backend when it closes.
     *
     * @throws ControlUnavailableException if the control cannot be reached
     */
    void leave(String backend, String instance);

    /** @return how long an acknowledgement holds; an instance renews it every {@link #followInterval()} */
    Duration lease();

    /** @return how often an instance looks at the control, and so the longest delay before it follows a change */
    Duration followInterval();

    /** @return the clock that dates acknowledgements and judges leases */
    Clock clock();

    /**
     * A control held in this JVM's memory, for tests and for a service with one instance: the
     * system clock, a lease of 15 s, instances looking every second.
     *
     * @return a new, empty control
     */
    static MigrationControl inMemory() {
        return inMemory(Clock.systemUTC(), Duration.ofSeconds(15), Duration.ofSeconds(1));
    }

    /**
     * A control held in this JVM's memory, with a clock of the test's own.
     *
     * @param clock          dates acknowledgements and judges leases
     * @param lease          how long an acknowledgement holds
     * @param followInterval how often an instance looks at the control
     * @return a new, empty control
     * @throws IllegalArgumentException if the lease is not longer than the follow interval
     */
    static MigrationControl inMemory(Clock clock, Duration lease, Duration followInterval) {
        return new InMemoryMigrationControl(clock, lease, followInterval);
    }

    /**
     * Checks a lease and a follow interval, for implementations.
     *
     * @throws IllegalArgumentException if either is not positive, or the lease is not longer than
     *                                  twice the interval (one late heartbeat would expire it)
     */
    static void requireLease(Duration lease, Duration followInterval) {
        if (lease.isNegative() || lease.isZero() || followInterval.isNegative() || followInterval.isZero()) {
            throw new IllegalArgumentException("lease and followInterval must be positive, were " + lease + " and " + followInterval);
        }
        if (lease.compareTo(followInterval.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("lease " + lease + " must be longer than twice the followInterval " + followInterval
                    + ", or one late heartbeat would declare a live instance dead");
        }
    }
}
