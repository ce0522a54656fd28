package dev.dualstore.fleet;

import dev.dualstore.Stage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ordered steps of a migration, each safe while part of the fleet is still at the step
 * before it or after it. {@link FleetMigration} moves a fleet one step at a time and only once
 * every live instance acknowledged the step before, so at any moment instances are at most one
 * step apart, and only the pairs of neighbouring steps need to be safe together.
 *
 * <p><b>The rule checked for each pair of neighbours.</b> A store that answers calls in either
 * step has every write before the call returns in both: it is the primary, or in
 * {@link Stage#DUAL_WRITE} with every key mirrored. So wherever a caller's read lands, on an
 * instance at either step, it sees every write that returned before it, whichever instance made
 * it.
 *
 * <p><b>Rolling back.</b> Going back from a step is refused when a store that receives writes in
 * the step before did not receive them all in this one (it was {@link Stage#OFF}, or only some
 * keys were mirrored): it has missed writes and would be read from or promoted stale.
 *
 * <p>Immutable and threadsafe.
 */
public final class MigrationPlan {
    private final List<PlanStep> steps;

    private MigrationPlan(List<PlanStep> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * The five steps of a cutover from {@code oldStore} to {@code newStore}:
     * <ol>
     *   <li>{@code shadow}: old answers, new gets writes and reads off the callers' threads;</li>
     *   <li>{@code dual write}: old answers, new gets each write before the call returns;</li>
     *   <li>{@code new answers}: new answers, old still gets each write before the call returns;</li>
     *   <li>{@code old shadowed}: new answers, old gets writes and reads off the callers' threads
     *       (the last point a rollback keeps old complete);</li>
     *   <li>{@code old off}: new answers, old gets nothing; no way back.</li>
     * </ol>
     * Backfill and check the new store before step 2: from step 3 on it answers.
     *
     * @param oldStore the store that answers now
     * @param newStore the store that will
     * @return the plan
     */
    public static MigrationPlan standard(String oldStore, String newStore) {
        return of(PlanStep.of("shadow", oldStore, newStore, Stage.SHADOW),
                PlanStep.of("dual write", oldStore, newStore, Stage.DUAL_WRITE),
                PlanStep.of("new answers", newStore, oldStore, Stage.DUAL_WRITE),
                PlanStep.of("old shadowed", newStore, oldStore, Stage.SHADOW),
                PlanStep.of("old off", newStore, oldStore, Stage.OFF));
    }

    /**
     * A plan of steps of your own.
     *
     * @param steps in order; at least one
     * @return the plan
     * @throws IllegalArgumentException naming the steps at fault: names repeated, steps that do
     *                                  not name the same stores, or neighbours not safe together
     */
    public static MigrationPlan of(PlanStep... steps) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("a plan needs at least one step");
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> stores = storesOf(steps[0]);
        for (PlanStep step : steps) {
            Objects.requireNonNull(step, "step");
            if (!names.add(step.name())) {
                throw new IllegalArgumentException("two steps are named '" + step.name() + "'");
            }
            if (!storesOf(step).equals(stores)) {
                throw new IllegalArgumentException("step '" + step.name() + "' names stores " + storesOf(step) + ", step '"
                        + steps[0].name() + "' names " + stores + "; every step names every store");
            }
        }
        for (int i = 1; i < steps.length; i++) {
            requireSafeTogether(steps[i - 1], steps[i], stores);
        }
        return new MigrationPlan(List.of(steps));
    }

    private static void requireSafeTogether(PlanStep a, PlanStep b, Set<String> stores) {
        for (String answering : new LinkedHashSet<>(List.of(a.primary(), b.primary()))) {
            for (PlanStep step : List.of(a, b)) {
                if (!step.writesSynchronously(answering)) {
                    throw new IllegalArgumentException("steps '" + a.name() + "' and '" + b.name() + "' are not safe together: '"
                            + answering + "' answers in one of them but is " + step.roleOf(answering)
                            + (step.rolloutPercent() < 100 ? " with " + step.rolloutPercent() + "% rollout" : "")
                            + " in '" + step.name() + "', so a read it answers may miss a write that already returned;"
                            + " put a step between them where it is DUAL_WRITE");
                }
            }
        }
    }

    private static Set<String> storesOf(PlanStep step) {
        Set<String> stores = new LinkedHashSet<>();
        stores.add(step.primary());
        stores.addAll(step.stages().keySet());
        return Set.copyOf(stores);
    }

    /** @return the steps, in order */
    public List<PlanStep> steps() {
        return steps;
    }

    /**
     * @param index a step's index
     * @return why the fleet may not go back from that step to the one before, or null if it may
     */
    String rollbackRefusal(int index) {
        if (index == 0) {
            return "step 1 '" + steps.get(0).name() + "' is the first step";
        }
        PlanStep here = steps.get(index);
        PlanStep before = steps.get(index - 1);
        List<String> missed = new ArrayList<>();
        for (String store : storesOf(before)) {
            if (before.receivesWrites(store) && !here.receivesWrites(store)) {
                missed.add(store);
            }
        }
        return missed.isEmpty() ? null : "store(s) " + missed + " did not receive every write at step " + (index + 1) + " '"
                + here.name() + "', so going back to '" + before.name() + "' would serve or promote them stale;"
                + " backfill and check them, then start a plan of their own";
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (PlanStep s : steps) {
            names.add(s.name());
        }
        return "MigrationPlan" + names;
    }
}
