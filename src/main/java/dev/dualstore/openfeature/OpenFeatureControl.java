package dev.dualstore.openfeature;

import dev.dualstore.fleet.FleetMigration;
import dev.dualstore.fleet.MigrationPlan;
import dev.dualstore.fleet.PlanStep;
import dev.dualstore.fleet.Transition;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.ControlUnavailableException;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.spi.MigrationControl;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MigrationControl} whose step an operator sets in a feature-flag system (LaunchDarkly,
 * Unleash, flagd, ... through their OpenFeature providers), for one backend and one
 * {@link MigrationPlan}. A flag system keeps no acknowledgements, so a second control beside it,
 * shared by the fleet (a {@code JdbcMigrationControl}), holds them, with the leases and the step
 * the fleet has applied:
 *
 * <pre>{@code
 * OpenFeatureControl control = OpenFeatureControl.builder()
 *         .client(OpenFeatureAPI.getInstance().getClient())
 *         .backend("follows")
 *         .stepFlag("follows-migration-step")       // a string flag: the step's name
 *         .plan(MigrationPlan.standard("old", "new"))
 *         .acknowledgements(JdbcMigrationControl.in(dataSource, "dualstore_control"))
 *         .build();
 * }</pre>
 *
 * <p><b>Reading the step.</b> Each {@link #current} evaluates the flag with the backend's name as
 * the targeting key (and as the attribute {@code backend}), so every instance gets the same value:
 * a percentage rule in the flag system cannot split the fleet. The value names a step of the plan:
 * its name for a {@linkplain Builder#stepFlag string flag}, its number from 1 for an
 * {@linkplain Builder#stepNumberFlag integer flag}.
 *
 * <p><b>Following it, one safe step at a time.</b> The flag says where the fleet should be; the
 * acknowledgement control says where it is ({@link #current} answers that). When the flag names
 * the step after the one the fleet is at, or the step before (a rollback the plan allows), and
 * every live instance has acknowledged the step the fleet is at, the first reader moves the
 * acknowledgement control there with a compare-and-set (the same move, under the same rules, as
 * {@link FleetMigration#advance()} and {@link FleetMigration#rollback()}); until then the fleet
 * stays, with one INFO. A flag that names a step two or more away, or a rollback the plan refuses,
 * is not followed: the fleet stays where it is and one WARN (per flag value and step) says what to
 * set the flag to. So an accidental flag change never carries the fleet past its rollback point.
 * A move is a compare-and-set from the version read <em>before</em> the flag was evaluated, and
 * this object follows the flag away from a version only after it has evaluated the flag at that
 * version's step itself, so a lagging provider does not undo a move it has not seen yet.
 *
 * <p><b>When the flag cannot be read</b> (the provider is not ready or fails, the flag is missing,
 * of the wrong type, answers the default, or names no step), {@link #current} throws
 * {@link ControlUnavailableException}: an instance keeps the step it acknowledged last, counts the
 * look as unreachable and logs one WARN, as with any control; a {@code build()} fails.
 *
 * <p><b>Moving the fleet from dualstore</b> is refused: {@link #change} throws
 * {@link IllegalStateException} saying which value to set the flag to, so {@link FleetMigration#advance()}
 * and {@link FleetMigration#rollback()} on this control do too, while their dry runs,
 * {@link FleetMigration#notAcknowledged()} and {@link FleetMigration#awaitAcknowledged} work as
 * with any control. Acknowledgements, {@link #liveInstances}, {@link #leave}, the lease, the follow
 * interval and the clock are the acknowledgement control's.
 *
 * <p>Immutable and threadsafe; every method runs on the caller's thread (for an instance, its
 * {@code dualstore-<backend>-control} thread).
 */
public final class OpenFeatureControl implements MigrationControl {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");
    private static final String NO_NAME = "";
    private static final int NO_NUMBER = 0;

    private final Client client;
    private final String backend;
    private final String flag;
    private final boolean numbered;
    private final MigrationPlan plan;
    private final MigrationControl acknowledgements;
    private final FleetMigration fleet;
    private final EvaluationContext context;
    /** What was logged last, so each refusal or wait is logged once; guarded by {@code this}. */
    private String noted = "";
    /**
     * The fleet's version at which this object last evaluated the flag at the fleet's own step (0: none
     * needed before a plan starts); it follows the flag away from a version only after that. Guarded by {@code this}.
     */
    private long caughtUp;

    private OpenFeatureControl(Builder b) {
        this.client = b.client;
        this.backend = b.backend;
        this.flag = b.flag;
        this.numbered = b.numbered;
        this.plan = b.plan;
        this.acknowledgements = b.acknowledgements;
        this.fleet = FleetMigration.of(acknowledgements, backend, plan);
        this.context = new ImmutableContext(backend, Map.of("backend", new Value(backend)));
    }

    /** @return a builder; {@code client}, {@code backend}, a step flag, {@code plan} and {@code acknowledgements} are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The step the fleet is at, after following the flag one step if the rules allow (see the
     * class comment).
     *
     * @throws ControlUnavailableException if the flag cannot be read or names no step, or the
     *                                     acknowledgement control cannot be reached
     * @throws IllegalArgumentException    if {@code backend} is not this control's backend
     */
    @Override
    public Optional<ControlState> current(String backend) {
        requireBackend(backend);
        synchronized (this) { // one move at a time from this object; the compare-and-set settles it between instances
            // The fleet's step first, the flag second: a move made from this evaluation lands only if the fleet is
            // still at that step (the compare-and-set below), so the value it follows is newer than the one that
            // brought the fleet there.
            Optional<ControlState> held = acknowledgements.current(backend);
            long version = held.map(ControlState::version).orElse(0L);
            int at = held.isPresent() ? indexOf(held.get()) : -1;
            int wanted = wantedStep();
            if (wanted == at) {
                caughtUp = version;
                return held;
            }
            if (caughtUp != version) {
                // This reader has not seen the flag at the fleet's step yet: its provider may lag behind the one
                // that moved the fleet, and following it would undo that move.
                return held;
            }
            String refusal = null;
            Transition move = null;
            if (wanted == at + 1) {
                move = fleet.previewAdvance();
            } else if (wanted == at - 1) {
                move = fleet.previewRollback();
            } else {
                int next = wanted > at ? at + 1 : at - 1;
                refusal = "the flag may move one step at a time; set it to " + (at < 0 ? valueOf(0) + " to start"
                        : valueOf(at) + " to stay, or " + valueOf(next) + " for the next step");
            }
            if (move != null && move.from().map(ControlState::version).orElse(0L) != version) {
                return acknowledgements.current(backend); // another instance moved meanwhile
            }
            if (move != null && !move.allowed()) {
                String why = move.refusal().orElseThrow();
                // FleetMigration gives the plan's own refusal first, the instances still to acknowledge only when there is none
                if (why.startsWith("live instances")) {
                    if (joiningOnly(move.notAcknowledged())) {
                        return held; // instances that are joining acknowledge within one look; nothing to say
                    }
                    noteOnce(false, wanted, held, "it waits until live instances " + move.notAcknowledged()
                            + " have acknowledged " + describe(held));
                    return held;
                }
                refusal = why + "; set the flag back to " + valueOf(at);
            }
            if (refusal != null) {
                noteOnce(true, wanted, held, "it is not followed: " + refusal);
                return held;
            }
            PlanStep step = plan.steps().get(wanted);
            ControlState next = new ControlState(version + 1, wanted, step.name(), step.primary(), step.stages(),
                    step.rolloutPercent());
            if (!acknowledgements.change(backend, version, next)) {
                return acknowledgements.current(backend); // another instance moved first
            }
            caughtUp = next.version();
            noted = "";
            LOG.info("dualstore backend '{}': following flag '{}', the fleet moved from {} to {} ({})", backend, flag,
                    describe(held), next, this);
            return Optional.of(next);
        }
    }

    /**
     * Refused: the flag system holds the step.
     *
     * @throws IllegalStateException always, saying which value to set the flag to instead
     */
    @Override
    public boolean change(String backend, long expectedVersion, ControlState next) {
        requireBackend(backend);
        throw new IllegalStateException("the step of backend '" + backend + "' is set by the OpenFeature flag '" + flag
                + "', not by dualstore: change the flag to " + valueOf(next.step()) + " in the flag system; the fleet follows it"
                + " one step at a time, once every live instance acknowledged the step before (" + this + ")");
    }

    @Override
    public void acknowledge(String backend, String instance, long version, int step) {
        requireBackend(backend);
        acknowledgements.acknowledge(backend, instance, version, step);
    }

    @Override
    public List<InstanceAck> liveInstances(String backend) {
        requireBackend(backend);
        return acknowledgements.liveInstances(backend);
    }

    @Override
    public void leave(String backend, String instance) {
        requireBackend(backend);
        acknowledgements.leave(backend, instance);
    }

    @Override
    public Duration lease() {
        return acknowledgements.lease();
    }

    @Override
    public Duration followInterval() {
        return acknowledgements.followInterval();
    }

    @Override
    public Clock clock() {
        return acknowledgements.clock();
    }

    /** @return the flag's key */
    public String flag() {
        return flag;
    }

    /** @return the plan whose steps the flag names */
    public MigrationPlan plan() {
        return plan;
    }

    /** @return the control that holds acknowledgements, leases and the step the fleet applied */
    public MigrationControl acknowledgements() {
        return acknowledgements;
    }

    @Override
    public String toString() {
        return "OpenFeatureControl[flag '" + flag + "', acknowledgements " + acknowledgements + "]";
    }

    /** @return the index of the step the flag names */
    private int wantedStep() {
        FlagEvaluationDetails<?> details;
        try {
            details = numbered ? client.getIntegerDetails(flag, NO_NUMBER, context) : client.getStringDetails(flag, NO_NAME, context);
        } catch (RuntimeException e) {
            throw new ControlUnavailableException("OpenFeature flag '" + flag + "' of backend '" + backend
                    + "' could not be evaluated", e);
        }
        if (details.getErrorCode() != null) {
            throw unreadable(details.getErrorCode() + (details.getErrorMessage() == null ? "" : " " + details.getErrorMessage()));
        }
        Object value = details.getValue();
        if (value == null || value.equals(numbered ? NO_NUMBER : NO_NAME)) {
            throw unreadable("it answered the default (reason " + details.getReason() + "), which names no step");
        }
        if (numbered) {
            int number = (Integer) value;
            if (number >= 1 && number <= plan.steps().size()) {
                return number - 1;
            }
            throw unreadable("its value " + number + " is not a step number of " + plan + ", from 1 to " + plan.steps().size());
        }
        List<PlanStep> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(value)) {
                return i;
            }
        }
        throw unreadable("its value '" + value + "' names no step of " + plan);
    }

    private ControlUnavailableException unreadable(String why) {
        return new ControlUnavailableException("OpenFeature flag '" + flag + "' of backend '" + backend + "' gives no step: " + why,
                new IllegalStateException(why));
    }

    private int indexOf(ControlState state) {
        int at = state.step();
        if (at >= plan.steps().size() || !plan.steps().get(at).name().equals(state.stepName())) {
            throw new ControlUnavailableException("backend '" + backend + "': " + acknowledgements + " holds " + state
                    + ", which is not a step of " + plan, new IllegalStateException("unknown step " + state));
        }
        return at;
    }

    /** @return how the flag names step {@code index}: {@code 'dual write' (step 2)} or {@code 2 ('dual write')} */
    private String valueOf(int index) {
        String name = plan.steps().get(index).name();
        return numbered ? (index + 1) + " ('" + name + "')" : "'" + name + "' (step " + (index + 1) + ")";
    }

    private boolean joiningOnly(List<String> waiting) {
        return acknowledgements.liveInstances(backend).stream()
                .filter(ack -> waiting.contains(ack.instance()))
                .allMatch(ack -> ack.version() == -1);
    }

    private static String describe(Optional<ControlState> held) {
        return held.map(ControlState::toString).orElse("no step (no plan started)");
    }

    private void noteOnce(boolean warn, int wanted, Optional<ControlState> held, String what) {
        String key = warn + "/" + wanted + "/" + held.map(ControlState::version).orElse(0L);
        if (key.equals(noted)) {
            return;
        }
        noted = key;
        String message = "dualstore backend '" + backend + "': flag '" + flag + "' names " + valueOf(wanted) + " and the fleet is at "
                + describe(held) + ": " + what + " (" + this + ")";
        if (warn) {
            LOG.warn(message);
        } else {
            LOG.info(message);
        }
    }

    private void requireBackend(String name) {
        if (!backend.equals(name)) {
            throw new IllegalArgumentException("backend '" + name + "' is not the backend of " + this + ", which is '" + backend
                    + "'; build one OpenFeatureControl per backend");
        }
    }

    /**
     * Collects an {@link OpenFeatureControl}'s settings; each may be set once. Not threadsafe;
     * {@link #build()} copies, so the control is independent of it.
     */
    public static final class Builder {
        private Client client;
        private String backend;
        private String flag;
        private boolean numbered;
        private MigrationPlan plan;
        private MigrationControl acknowledgements;

        private Builder() {
        }

        /**
         * @param client evaluates the flag, usually {@code OpenFeatureAPI.getInstance().getClient()};
         *               set its provider (and wait for it to be ready) before the backend is built
         * @return this builder
         */
        public Builder client(Client client) {
            requireUnset(this.client, "client");
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param backend the backend's name ({@code MirroringBackend.Builder#name}); the flag's targeting key
         * @return this builder
         */
        public Builder backend(String backend) {
            requireUnset(this.backend, "backend");
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * @param key a string flag whose value is the name of the plan's step the fleet should be at
         * @return this builder
         * @throws IllegalStateException if a step flag was set already
         */
        public Builder stepFlag(String key) {
            return flag(key, false);
        }

        /**
         * @param key an integer flag whose value is the number, from 1, of the plan's step the fleet should be at
         * @return this builder
         * @throws IllegalStateException if a step flag was set already
         */
        public Builder stepNumberFlag(String key) {
            return flag(key, true);
        }

        private Builder flag(String key, boolean numbered) {
            requireUnset(this.flag, "step flag");
            Objects.requireNonNull(key, "key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("the step flag's key must not be blank");
            }
            this.flag = key;
            this.numbered = numbered;
            return this;
        }

        /**
         * @param plan the steps the flag names
         * @return this builder
         */
        public Builder plan(MigrationPlan plan) {
            requireUnset(this.plan, "plan");
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * @param control holds acknowledgements, leases and the step the fleet applied; every instance
         *                must use the same one (a {@code JdbcMigrationControl} on one table), or
         *                instances cannot see each other's acknowledgements
         * @return this builder
         * @throws IllegalArgumentException if {@code control} is itself an OpenFeatureControl
         */
        public Builder acknowledgements(MigrationControl control) {
            requireUnset(this.acknowledgements, "acknowledgements");
            Objects.requireNonNull(control, "control");
            if (control instanceof OpenFeatureControl) {
                throw new IllegalArgumentException("acknowledgements must be a control that keeps them, such as a"
                        + " JdbcMigrationControl, not " + control);
            }
            this.acknowledgements = control;
            return this;
        }

        /**
         * @return the control
         * @throws IllegalStateException naming the first required setting missing
         */
        public OpenFeatureControl build() {
            List<String> missing = new ArrayList<>();
            if (client == null) {
                missing.add("client(...)");
            }
            if (backend == null) {
                missing.add("backend(...)");
            }
            if (flag == null) {
                missing.add("stepFlag(...) or stepNumberFlag(...)");
            }
            if (plan == null) {
                missing.add("plan(...)");
            }
            if (acknowledgements == null) {
                missing.add("acknowledgements(...)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("OpenFeatureControl.builder() needs " + String.join(", ", missing));
            }
            return new OpenFeatureControl(this);
        }

        private static void requireUnset(Object value, String what) {
            if (value != null) {
                throw new IllegalStateException(what + " is set already (to " + value + "); each setting may be set once");
            }
        }
    }
}
