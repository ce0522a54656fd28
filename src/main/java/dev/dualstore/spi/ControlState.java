package dev.dualstore.spi;

import dev.dualstore.Stage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The step a fleet is at, as a {@link MigrationControl} holds it: which store answers, what each
 * other store receives, and the percentage of keys mirrored. Immutable.
 *
 * @param version        starts at 1 and grows by one with every change, forward or back
 * @param step           the step's index in its plan, from 0
 * @param stepName       the step's name, for people
 * @param primary        the store that answers calls
 * @param stages         every other store, with the stage it is in, in a stable order
 * @param rolloutPercent the percentage of keys mirrored ({@code MirroringBackend#sampleRate}), 0 to 100
 */
public record ControlState(long version, int step, String stepName, String primary, Map<String, Stage> stages,
        double rolloutPercent) {

    /** Checks the fields and freezes the stages. */
    public ControlState {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, was " + step);
        }
        Objects.requireNonNull(stepName, "stepName");
        Objects.requireNonNull(primary, "primary");
        if (stages.containsKey(primary)) {
            throw new IllegalArgumentException("store '" + primary + "' is the primary and cannot have a stage");
        }
        if (!(rolloutPercent >= 0 && rolloutPercent <= 100)) {
            throw new IllegalArgumentException("rolloutPercent must be from 0 to 100, was " + rolloutPercent);
        }
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /** @return the stages as text, {@code new=DUAL_WRITE,other=OFF}; read back by {@link #parseStages} */
    public String stagesText() {
        return stages.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().name()).collect(Collectors.joining(","));
    }

    /**
     * @param text what {@link #stagesText()} wrote
     * @return the stages, in the order written
     * @throws IllegalArgumentException naming the part that is not {@code store=STAGE}
     */
    public static Map<String, Stage> parseStages(String text) {
        Map<String, Stage> stages = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return stages;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("stage '" + part + "' is not store=STAGE");
            }
            stages.put(part.substring(0, eq), Stage.valueOf(part.substring(eq + 1)));
        }
        return stages;
    }

    @Override
    public String toString() {
        return "step " + (step + 1) + " '" + stepName + "' (version " + version + ": primary " + primary + ", " + stagesText()
                + (rolloutPercent < 100 ? ", rollout " + rolloutPercent + "%" : "") + ")";
    }
}
