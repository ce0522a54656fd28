package dev.dualstore.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** {@link MigrationControl#inMemory()}: maps under one lock. Threadsafe. */
final class InMemoryMigrationControl implements MigrationControl {
    private final Clock clock;
    private final Duration lease;
    private final Duration followInterval;
    private final Map<String, ControlState> states = new HashMap<>();
    private final Map<String, Map<String, InstanceAck>> acks = new HashMap<>();

    InMemoryMigrationControl(Clock clock, Duration lease, Duration followInterval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.followInterval = Objects.requireNonNull(followInterval, "followInterval");
        MigrationControl.requireLease(lease, followInterval);
    }

    @Override
    public synchronized Optional<ControlState> current(String backend) {
        return Optional.ofNullable(states.get(backend));
    }

    @Override
    public synchronized boolean change(String backend, long expectedVersion, ControlState next) {
        if (next.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("next version must be " + (expectedVersion + 1) + ", was " + next.version());
        }
        ControlState now = states.get(backend);
        long version = now == null ? 0 : now.version();
        if (version != expectedVersion) {
            return false;
        }
        states.put(backend, next);
        return true;
    }

    @Override
    public synchronized void acknowledge(String backend, String instance, long version, int step) {
        acks.computeIfAbsent(backend, b -> new TreeMap<>())
                .put(instance, new InstanceAck(instance, version, step, clock.instant().plus(lease)));
    }

    @Override
    public synchronized List<InstanceAck> liveInstances(String backend) {
        Instant now = clock.instant();
        List<InstanceAck> live = new ArrayList<>();
        for (InstanceAck ack : acks.getOrDefault(backend, Map.of()).values()) {
            if (ack.expiresAt().isAfter(now)) {
                live.add(ack);
            }
        }
        return live;
    }

    @Override
    public synchronized void leave(String backend, String instance) {
        acks.getOrDefault(backend, new HashMap<>()).remove(instance);
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public Duration followInterval() {
        return followInterval;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "MigrationControl.inMemory()";
    }
}
