package dev.dualstore.fleet;

import dev.dualstore.Stage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a {@link MigrationPlan}: which store answers, what each other store receives, and
 * the percentage of keys mirrored. Immutable.
 *
 * @param name           for people: logs, dry runs, the control's row
 * @param primary        the store that answers calls
 * @param stages         every other store and its stage
 * @param rolloutPercent the percentage of keys mirrored, 0 to 100
 */
public record PlanStep(String name, String primary, Map<String, Stage> stages, double rolloutPercent) {

    /** Checks the fields and freezes the stages. */
    public PlanStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(primary, "primary");
        if (name.isBlank() || name.contains(",")) {
            throw new IllegalArgumentException("step name '" + name + "' must not be blank or contain a comma");
        }
        if (stages.containsKey(primary)) {
            throw new IllegalArgumentException("step '" + name + "': '" + primary + "' is the primary and cannot have a stage");
        }
        if (!(rolloutPercent >= 0 && rolloutPercent <= 100)) {
            throw new IllegalArgumentException("step '" + name + "': rolloutPercent must be from 0 to 100, was " + rolloutPercent);
        }
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /**
     * A step with every key mirrored.
     *
     * @param name    the step's name
     * @param primary the store that answers
     * @param other   the other store
     * @param stage   what it receives
     * @return the step
     */
    public static PlanStep of(String name, String primary, String other, Stage stage) {
        return new PlanStep(name, primary, Map.of(other, stage), 100);
    }

    /** @return whether {@code store} has each write before the call returns: the primary, or a {@link Stage#DUAL_WRITE} store with every key mirrored */
    boolean writesSynchronously(String store) {
        return store.equals(primary) || (stages.get(store) == Stage.DUAL_WRITE && rolloutPercent == 100);
    }

    /** @return whether {@code store} receives writes at all in this step */
    boolean receivesWrites(String store) {
        return store.equals(primary) || (stages.containsKey(store) && stages.get(store).receivesWrites() && rolloutPercent == 100);
    }

    /** @return the stage of {@code store}, or "primary" */
    String roleOf(String store) {
        return store.equals(primary) ? "primary" : String.valueOf(stages.get(store));
    }
}
