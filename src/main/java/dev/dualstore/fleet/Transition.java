package dev.dualstore.fleet;

import dev.dualstore.spi.ControlState;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link FleetMigration#advance()} or {@link FleetMigration#rollback()} does, or would
 * do: the dry run of {@link FleetMigration#previewAdvance()} and {@link FleetMigration#previewRollback()}.
 * Immutable.
 *
 * @param from             the step the fleet is at; empty before the plan started
 * @param to               the step it moves to; empty when there is none (the plan's end, or its start for a rollback)
 * @param changes          per store, what changes: {@code new: SHADOW -> DUAL_WRITE}
 * @param notAcknowledged  live instances that have not acknowledged {@code from} yet, by name
 * @param refusal          why the move may not happen now, or empty if it may
 */
public record Transition(Optional<ControlState> from, Optional<PlanStep> to, List<String> changes,
        List<String> notAcknowledged, Optional<String> refusal) {

    /** Freezes the lists. */
    public Transition {
        changes = List.copyOf(changes);
        notAcknowledged = List.copyOf(notAcknowledged);
    }

    /** @return whether the move may happen now */
    public boolean allowed() {
        return refusal.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(from.map(ControlState::toString).orElse("no plan started")).append(" -> ")
                .append(to.map(s -> "'" + s.name() + "'").orElse("nothing"));
        for (String change : changes) {
            text.append("\n  ").append(change);
        }
        if (!notAcknowledged.isEmpty()) {
            text.append("\n  not acknowledged yet by ").append(notAcknowledged);
        }
        refusal.ifPresent(r -> text.append("\n  refused: ").append(r));
        return text.toString();
    }
}
