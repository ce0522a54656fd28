package dev.dualstore.compare;

import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import java.lang.reflect.RecordComponent;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why two answers differ: a {@link MismatchKind} for the meter tag and a short description for
 * people that names counts, positions, component names and types, never record values.
 *
 * @param kind       the kind of difference
 * @param difference the description
 */
public record Diagnosis(MismatchKind kind, String difference) {

    /** Checks arguments. */
    public Diagnosis {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(difference, "difference");
    }

    /**
     * Explains why two outcomes differ. Call it only for outcomes already found to differ; for
     * equal values it answers {@link MismatchKind#VALUE} with a note that no difference was
     * found by structural equality (a custom comparator disagreed).
     *
     * @param primary   what the primary answered
     * @param secondary what the secondary answered
     * @return the diagnosis
     */
    public static Diagnosis of(Outcome primary, Outcome secondary) {
        if (primary.threw() || secondary.threw()) {
            return new Diagnosis(MismatchKind.EXCEPTION, describe(primary) + ", secondary " + describe(secondary));
        }
        return of(primary.value(), secondary.value());
    }

    /**
     * Explains why two returned values differ.
     *
     * @param primary   the primary's value, may be null
     * @param secondary the secondary's value, may be null
     * @return the diagnosis
     */
    public static Diagnosis of(Object primary, Object secondary) {
        if (primary == null || secondary == null) {
            return new Diagnosis(MismatchKind.NULL, primary == null
                    ? "primary returned null, secondary a " + typeName(secondary)
                    : "primary returned a " + typeName(primary) + ", secondary null");
        }
        if (primary instanceof Optional<?> p && secondary instanceof Optional<?> s) {
            if (p.isPresent() && s.isEmpty()) {
                return new Diagnosis(MismatchKind.MISSING, "secondary returned an empty Optional");
            }
            if (p.isEmpty() && s.isPresent()) {
                return new Diagnosis(MismatchKind.EXTRA, "secondary returned a value where the primary had none");
            }
            return of(p.orElse(null), s.orElse(null));
        }
        if (primary instanceof Map<?, ?> p && secondary instanceof Map<?, ?> s) {
            return ofMaps(p, s);
        }
        List<Object> p = DeepEquality.elements(primary);
        List<Object> s = DeepEquality.elements(secondary);
        if (p != null && s != null) {
            boolean ordered = !(primary instanceof Set<?>) && !(secondary instanceof Set<?>);
            return ofElements(p, s, ordered);
        }
        if (primary.getClass() != secondary.getClass()) {
            return new Diagnosis(MismatchKind.TYPE,
                    "primary returned a " + typeName(primary) + ", secondary a " + typeName(secondary));
        }
        if (primary instanceof Record) {
            return ofRecords(primary, secondary);
        }
        if (sameInstantOtherZone(primary, secondary)) {
            return new Diagnosis(MismatchKind.VALUE, "same instant in another time zone");
        }
        if (DeepEquality.equal(primary, secondary)) {
            return new Diagnosis(MismatchKind.VALUE, "equal by structure; the comparator disagreed");
        }
        return new Diagnosis(MismatchKind.VALUE, typeName(primary) + " values differ");
    }

    private static Diagnosis ofElements(List<Object> p, List<Object> s, boolean ordered) {
        Map<DeepEquality.Deep, Integer> difference = DeepEquality.multisetDifference(p, s);
        int missing = 0;
        int extra = 0;
        for (int count : difference.values()) {
            if (count > 0) {
                missing += count;
            } else {
                extra -= count;
            }
        }
        if (missing == 0 && extra == 0) {
            if (!ordered) {
                return new Diagnosis(MismatchKind.VALUE, "same " + p.size() + " elements; the comparator disagreed");
            }
            int first = 0;
            while (first < p.size() && DeepEquality.equal(p.get(first), s.get(first))) {
                first++;
            }
            return new Diagnosis(MismatchKind.ORDER,
                    "same " + p.size() + " elements in another order, first out of place at index " + first);
        }
        if (extra == 0) {
            return new Diagnosis(MismatchKind.MISSING,
                    "secondary lacks " + missing + " of the primary's " + p.size() + " elements");
        }
        if (missing == 0) {
            return new Diagnosis(MismatchKind.EXTRA,
                    "secondary has " + extra + " elements the primary lacks (" + s.size() + " vs " + p.size() + ")");
        }
        return new Diagnosis(MismatchKind.VALUE, missing + " of the primary's " + p.size()
                + " elements differ from the secondary's (" + extra + " unmatched of " + s.size() + ")");
    }

    private static Diagnosis ofMaps(Map<?, ?> p, Map<?, ?> s) {
        int missing = 0;
        int differing = 0;
        for (Map.Entry<?, ?> e : p.entrySet()) {
            if (!s.containsKey(e.getKey())) {
                missing++;
            } else if (!DeepEquality.equal(e.getValue(), s.get(e.getKey()))) {
                differing++;
            }
        }
        int extra = 0;
        for (Object key : s.keySet()) {
            if (!p.containsKey(key)) {
                extra++;
            }
        }
        if (differing == 0 && extra == 0 && missing > 0) {
            return new Diagnosis(MismatchKind.MISSING, "secondary lacks " + missing + " of " + p.size() + " keys");
        }
        if (differing == 0 && missing == 0 && extra > 0) {
            return new Diagnosis(MismatchKind.EXTRA, "secondary has " + extra + " keys the primary lacks");
        }
        return new Diagnosis(MismatchKind.VALUE, "values differ for " + differing + " of " + p.size()
                + " keys, " + missing + " missing, " + extra + " extra");
    }

    private static Diagnosis ofRecords(Object p, Object s) {
        List<String> differing = new ArrayList<>();
        for (RecordComponent c : p.getClass().getRecordComponents()) {
            Object pv = Records.component(p, c);
            Object sv = Records.component(s, c);
            if (!DeepEquality.equal(pv, sv)) {
                differing.add(sameInstantOtherZone(pv, sv) ? c.getName() + " (same instant, another time zone)" : c.getName());
            }
        }
        if (differing.isEmpty()) {
            return new Diagnosis(MismatchKind.VALUE, "equal by structure; the comparator disagreed");
        }
        return new Diagnosis(MismatchKind.VALUE, p.getClass().getSimpleName() + " differs in " + String.join(", ", differing));
    }

    private static boolean sameInstantOtherZone(Object p, Object s) {
        if (p instanceof OffsetDateTime a && s instanceof OffsetDateTime b) {
            return a.isEqual(b) && !a.equals(b);
        }
        if (p instanceof ZonedDateTime a && s instanceof ZonedDateTime b) {
            return a.isEqual(b) && !a.equals(b);
        }
        return false;
    }

    private static String describe(Outcome outcome) {
        return outcome.threw() ? "threw " + outcome.exception().getClass().getName()
                : outcome.value() == null ? "returned null" : "returned a " + typeName(outcome.value());
    }

    private static String typeName(Object value) {
        if (value instanceof Collection<?> c) {
            return value.getClass().getSimpleName() + " of " + c.size();
        }
        return value.getClass().getSimpleName();
    }
}
