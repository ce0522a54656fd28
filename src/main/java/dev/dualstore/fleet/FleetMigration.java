package dev.dualstore.fleet;

import dev.dualstore.Stage;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.spi.MigrationControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's handle on one backend's migration across a fleet: moves the step held in a
 * {@link MigrationControl} along a {@link MigrationPlan}, one step at a time, and only once every
 * live instance has acknowledged the step the fleet is at. Instances follow the control on their
 * own (see {@code MirroringBackend.Builder#control}); this class never talks to them.
 *
 * <pre>{@code
 * FleetMigration migration = FleetMigration.of(control, "follows", MigrationPlan.standard("old", "new"));
 * System.out.println(migration.previewAdvance());   // what changes, who has not acknowledged
 * migration.advance();                              // refused until every live instance has
 * }</pre>
 *
 * <p>Two operators may run this against one control at once: each move is a compare-and-set on
 * the control's version, so one wins and the other's is refused. Threadsafe; runs on the
 * caller's thread.
 */
public final class FleetMigration {
    private final MigrationControl control;
    private final String backend;
    private final MigrationPlan plan;

    private FleetMigration(MigrationControl control, String backend, MigrationPlan plan) {
        this.control = control;
        this.backend = backend;
        this.plan = plan;
    }

    /**
     * @param control where the fleet's step lives
     * @param backend the backend's name ({@code MirroringBackend#name()})
     * @param plan    the steps
     * @return the handle
     */
    public static FleetMigration of(MigrationControl control, String backend, MigrationPlan plan) {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(plan, "plan");
        return new FleetMigration(control, backend, plan);
    }

    /** @return the step the fleet is at, or empty before the plan started */
    public Optional<ControlState> current() {
        return control.current(backend);
    }

    /** @return the dry run of {@link #advance()}: what would change, and who has not acknowledged yet */
    public Transition previewAdvance() {
        Optional<ControlState> from = control.current(backend);
        int at = from.map(s -> indexOf(s)).orElse(-1);
        Optional<PlanStep> to = at + 1 < plan.steps().size() ? Optional.of(plan.steps().get(at + 1)) : Optional.empty();
        String refusal = to.isEmpty() ? "step " + (at + 1) + " '" + plan.steps().get(at).name() + "' is the plan's last step" : null;
        return transition(from, to, refusal);
    }

    /** @return the dry run of {@link #rollback()}: what would change, and who has not acknowledged yet */
    public Transition previewRollback() {
        Optional<ControlState> from = control.current(backend);
        if (from.isEmpty()) {
            return transition(from, Optional.empty(), "the plan has not started");
        }
        int at = indexOf(from.get());
        String refusal = plan.rollbackRefusal(at);
        return transition(from, at > 0 ? Optional.of(plan.steps().get(at - 1)) : Optional.empty(), refusal);
    }

    /**
     * Moves the fleet to the next step (from none: to the first).
     *
     * @return what was done
     * @throws IllegalStateException saying why, with the instances that have not acknowledged,
     *                               if the move is refused or another move came first
     */
    public Transition advance() {
        return move(previewAdvance(), "advance()");
    }

    /**
     * Moves the fleet back one step.
     *
     * @return what was done
     * @throws IllegalStateException saying why, if the move is refused or another move came first
     */
    public Transition rollback() {
        return move(previewRollback(), "rollback()");
    }

    /** @return the live instances that have not acknowledged the step the fleet is at, by name */
    public List<String> notAcknowledged() {
        return notAcknowledged(control.current(backend).map(ControlState::version).orElse(0L));
    }

    /** @return every live instance, with what it acknowledged */
    public List<InstanceAck> liveInstances() {
        return control.liveInstances(backend);
    }

    /**
     * Waits until every live instance has acknowledged the step the fleet is at, looking every
     * {@code followInterval} of the control (at most every 100 ms), on the caller's thread.
     *
     * @param timeout how long to wait at most
     * @return whether they all have
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitAcknowledged(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = Math.max(1, Math.min(control.followInterval().toMillis(), 100));
        while (!notAcknowledged().isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(pause); // polling another process's state: nothing here to wait on
        }
        return true;
    }

    private Transition move(Transition t, String action) {
        if (!t.allowed()) {
            throw new IllegalStateException(action + " of backend '" + backend + "' refused: " + t.refusal().orElseThrow()
                    + " (" + control + ")");
        }
        PlanStep step = t.to().orElseThrow();
        long version = t.from().map(ControlState::version).orElse(0L);
        ControlState next = new ControlState(version + 1, plan.steps().indexOf(step), step.name(), step.primary(),
                step.stages(), step.rolloutPercent());
        if (!control.change(backend, version, next)) {
            throw new IllegalStateException(action + " of backend '" + backend + "' refused: the control moved from version "
                    + version + " while this move was prepared; look again (" + control + ")");
        }
        return t;
    }

    private Transition transition(Optional<ControlState> from, Optional<PlanStep> to, String refusal) {
        List<String> waiting = notAcknowledged(from.map(ControlState::version).orElse(0L));
        if (refusal == null && !waiting.isEmpty()) {
            refusal = "live instances " + waiting + " have not acknowledged "
                    + from.map(ControlState::toString).orElse("joining") + " yet";
        }
        return new Transition(from, to, to.map(s -> changes(from, s)).orElse(List.of()), waiting, Optional.ofNullable(refusal));
    }

    private List<String> notAcknowledged(long version) {
        List<String> waiting = new ArrayList<>();
        for (InstanceAck ack : control.liveInstances(backend)) {
            if (ack.version() != version) {
                waiting.add(ack.instance());
            }
        }
        return waiting;
    }

    private static List<String> changes(Optional<ControlState> from, PlanStep to) {
        Set<String> stores = new LinkedHashSet<>();
        stores.add(to.primary());
        stores.addAll(to.stages().keySet());
        List<String> changes = new ArrayList<>();
        for (String store : stores) {
            String before = from.map(s -> roleOf(s, store)).orElse("as configured");
            String after = to.roleOf(store);
            if (!before.equals(after)) {
                changes.add(store + ": " + before + " -> " + after);
            }
        }
        double beforeRollout = from.map(ControlState::rolloutPercent).orElse(-1.0);
        if (beforeRollout != to.rolloutPercent()) {
            changes.add("rollout: " + (beforeRollout < 0 ? "as configured" : beforeRollout + "%") + " -> " + to.rolloutPercent() + "%");
        }
        return changes;
    }

    private static String roleOf(ControlState state, String store) {
        if (store.equals(state.primary())) {
            return "primary";
        }
        Stage stage = state.stages().get(store);
        return String.valueOf(stage);
    }

    private int indexOf(ControlState state) {
        int at = state.step();
        if (at >= plan.steps().size() || !plan.steps().get(at).name().equals(state.stepName())) {
            throw new IllegalStateException("the control of backend '" + backend + "' is at " + state + ", which is not a step of "
                    + plan + " (" + control + ")");
        }
        return at;
    }

    @Override
    public String toString() {
        return "FleetMigration[" + backend + ", " + plan + ", " + control + "]";
    }
}
