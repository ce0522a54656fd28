package dev.dualstore.internal;

import dev.dualstore.Stage;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.MigrationControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one backend at the step its {@link MigrationControl} holds: joins at the current step
 * before the backend serves a call, then looks every {@code followInterval} on a daemon thread
 * named {@code dualstore-<backend>-control}, applies a new step through the {@link Switchboard}
 * and acknowledges it; every look renews the instance's lease.
 *
 * <p>It never guesses: when the control cannot be reached, or holds a step this backend cannot
 * apply, the backend keeps the step it acknowledged last, one WARN says so (one INFO when the
 * control answers again) and the meters count it. Threadsafe; {@link #close()} stops the thread.
 */
final class ControlFollower {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");

    private final String backend;
    private final String instance;
    private final MigrationControl control;
    private final Switchboard switchboard;
    private final Sampling sampling;
    private final Map<String, Store> stores;
    private final Meters meters;
    private final Meters.Lazy<Counter> acknowledgements;
    private final Meters.Lazy<Counter> unreachable;
    private final Meters.Lazy<Counter> unusable;
    private final Meters.Lazy<Timer> transitions;
    private final Meters.Lazy<Timer> failedTransitions;
    private final Object wake = new Object();
    private volatile ControlState applied;
    private volatile Instant lastReached;
    private volatile boolean stopped;
    private boolean inContact = true;
    private long refusedVersion;
    private long ackedVersion;
    private Thread thread;

    ControlFollower(String backend, String instance, MigrationControl control, Switchboard switchboard, Sampling sampling,
            Map<String, Store> stores, Meters meters) {
        this.backend = backend;
        this.instance = instance;
        this.control = control;
        this.switchboard = switchboard;
        this.sampling = sampling;
        this.stores = stores;
        this.meters = meters;
        Tags none = Tags.empty();
        this.acknowledgements = meters.counter(MeterNames.CONTROL_ACKNOWLEDGEMENTS, "Steps this instance applied and acknowledged", none);
        this.unreachable = meters.counter(MeterNames.CONTROL_ERRORS, "Looks at the control that failed",
                Tags.of(MeterNames.KIND, "unreachable"));
        this.unusable = meters.counter(MeterNames.CONTROL_ERRORS, "Looks at the control that failed",
                Tags.of(MeterNames.KIND, "unusable"));
        this.transitions = meters.timer(MeterNames.CONTROL_TRANSITIONS, "Moves of this instance to a new step",
                Tags.of(MeterNames.RESULT, MeterNames.SUCCESS));
        this.failedTransitions = meters.timer(MeterNames.CONTROL_TRANSITIONS, "Moves of this instance to a new step",
                Tags.of(MeterNames.RESULT, MeterNames.ERROR));
    }

    /**
     * Joins the fleet: announces this instance (so the fleet cannot move on while it joins),
     * applies the current step and acknowledges it, then starts following.
     *
     * @throws IllegalStateException naming the control if it cannot be reached or holds a step
     *                               this backend cannot apply; nothing is left running
     */
    void join() {
        Optional<ControlState> current;
        try {
            control.acknowledge(backend, instance, -1, -1);
            current = control.current(backend);
        } catch (RuntimeException e) {
            throw new IllegalStateException("backend '" + backend + "' cannot join its fleet: " + control
                    + " cannot be reached, so the step to serve is unknown", e);
        }
        if (current.isPresent()) {
            String why = unusable(current.get());
            if (why != null) {
                throw new IllegalStateException("backend '" + backend + "' cannot join its fleet at " + current.get() + " of "
                        + control + ": " + why);
            }
            apply(current.get());
        }
        try {
            acknowledge();
        } catch (RuntimeException e) {
            throw new IllegalStateException("backend '" + backend + "' cannot join its fleet: " + control
                    + " cannot be reached to acknowledge " + current.map(ControlState::toString).orElse("no plan"), e);
        }
        meters.gauge(MeterNames.CONTROL_STEP, "The step this instance applied and acknowledged, from 1 (0: no plan started)",
                Tags.empty(), this, f -> f.applied == null ? 0 : f.applied.step() + 1);
        meters.gauge(MeterNames.CONTROL_VERSION, "The control's version this instance applied and acknowledged", Tags.empty(),
                this, f -> f.applied == null ? 0 : f.applied.version());
        meters.gauge(MeterNames.CONTROL_STALENESS, "Seconds since this instance last reached its control", Tags.empty(), this,
                f -> Math.max(0, Duration.between(f.lastReached, f.control.clock().instant()).toMillis() / 1000.0));
        thread = new Thread(this::run, "dualstore-" + backend + "-control");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return the step of the roles that calls use now (set in the same write as the roles, so a
     *     call made between two reads of it used the roles of one of the two); null before a plan
     */
    ControlState applied() {
        return (ControlState) switchboard.roles().controlState;
    }

    /** @return the control followed */
    MigrationControl control() {
        return control;
    }

    /** @return this instance's name in the control */
    String instance() {
        return instance;
    }

    /** Stops the thread (waiting for a move in progress), then leaves the fleet. Never throws. */
    void close() {
        stopped = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            control.leave(backend, instance);
        } catch (RuntimeException e) {
            LOG.info("dualstore backend '{}': could not leave {} on close; its lease expires in {}", backend, control,
                    control.lease());
        }
    }

    private void run() {
        long pause = Math.max(1, control.followInterval().toMillis());
        while (!stopped) {
            synchronized (wake) {
                try {
                    wake.wait(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (!stopped) {
                look();
            }
        }
    }

    /** One look: read the control, apply a new step, acknowledge (the heartbeat). */
    void look() {
        Optional<ControlState> current;
        try {
            current = control.current(backend);
        } catch (RuntimeException e) {
            lostContact(e);
            return;
        }
        ControlState now = applied;
        if (current.isPresent() && (now == null || current.get().version() != now.version())) {
            ControlState next = current.get();
            String why = unusable(next);
            if (why != null) {
                meters.increment(unusable);
                if (refusedVersion != next.version()) {
                    refusedVersion = next.version();
                    LOG.warn("dualstore backend '{}': {} holds {}, which this instance cannot apply: {}; it stays at {}",
                            backend, control, next, why, now == null ? "its configured roles" : now);
                }
            } else {
                long start = System.nanoTime();
                try {
                    apply(next);
                    meters.record(transitions, System.nanoTime() - start);
                } catch (RuntimeException e) {
                    meters.record(failedTransitions, System.nanoTime() - start);
                    if (refusedVersion != next.version()) {
                        refusedVersion = next.version();
                        LOG.warn("dualstore backend '{}': could not move to {} ({}); it stays at {} and tries again",
                                backend, next, e.getMessage(), now == null ? "its configured roles" : now);
                    }
                }
            }
        }
        try {
            acknowledge();
        } catch (RuntimeException e) {
            lostContact(e);
            return;
        }
        if (!inContact) {
            inContact = true;
            LOG.info("dualstore backend '{}': {} reached again; at {}", backend, control, applied == null ? "no plan" : applied);
        }
    }

    private void lostContact(RuntimeException e) {
        meters.increment(unreachable);
        if (inContact) {
            inContact = false;
            LOG.warn("dualstore backend '{}': lost contact with {} ({}); it keeps {} until the control answers", backend,
                    control, e.toString(), applied == null ? "its configured roles" : applied);
        }
    }

    private void acknowledge() {
        ControlState now = applied;
        control.acknowledge(backend, instance, now == null ? 0 : now.version(), now == null ? -1 : now.step());
        lastReached = control.clock().instant();
        if (now != null && now.version() != ackedVersion) {
            ackedVersion = now.version();
            meters.increment(acknowledgements);
        }
    }

    private void apply(ControlState next) {
        Store primary = stores.get(next.primary());
        Map<Store, Stage> stages = new HashMap<>();
        next.stages().forEach((name, stage) -> stages.put(stores.get(name), stage));
        switchboard.follow(primary, stages, next, "the step " + next + " of " + control);
        sampling.set(next.rolloutPercent());
        applied = next;
        if (LOG.isInfoEnabled()) {
            LOG.info("dualstore backend '{}': instance {} at {}", backend, instance, next);
        }
    }

    /** @return why this backend cannot apply {@code state}, or null if it can */
    private String unusable(ControlState state) {
        Set<String> named = new LinkedHashSet<>();
        named.add(state.primary());
        named.addAll(state.stages().keySet());
        if (!named.equals(stores.keySet())) {
            return "it names the stores " + named + " and this backend has " + stores.keySet();
        }
        return null;
    }
}
