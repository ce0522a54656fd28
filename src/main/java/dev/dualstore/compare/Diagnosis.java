package dev.dualstore.compare;

import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import java.lang.reflect.Array;
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
 * people that names counts, positions, component names and types, never record values. Where
 * the difference lies below the answers' own parts, the description ends with the path to the
 * first one found, such as {@code "; first difference at [0].pet.owner"}: positions and
 * component names, with map keys shown as {@code [<key>]}; a path longer than 12 steps shows its
 * first 6 and last 4 and says how many levels down it ends. Diagnosing cyclic or deep answers
 * ends and uses no more thread stack than shallow ones, as {@link DeepEquality} does.
 *
 * @param kind       the kind of difference
 * @param difference the description
 */
public record Diagnosis(MismatchKind kind, String difference) {

    /** Paths up to this many steps are shown whole; longer ones by their head and tail. */
    private static final int PATH_SHOWN = 12;
    private static final int PATH_HEAD = 6;
    private static final int PATH_TAIL = 4;

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
            return new Diagnosis(MismatchKind.EXCEPTION,
                    "primary " + describe(primary) + ", secondary " + describe(secondary));
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
        // Optionals may nest without bound: unwrapped in a loop, not by recursion.
        while (primary instanceof Optional<?> p && secondary instanceof Optional<?> s) {
            if (p.isPresent() && s.isEmpty()) {
                return new Diagnosis(MismatchKind.MISSING, "secondary returned an empty Optional");
            }
            if (p.isEmpty() && s.isPresent()) {
                return new Diagnosis(MismatchKind.EXTRA, "secondary returned a value where the primary had none");
            }
            primary = p.orElse(null);
            secondary = s.orElse(null);
        }
        if (primary == null && secondary == null) {
            return new Diagnosis(MismatchKind.VALUE, "both returned null; the comparator disagreed");
        }
        if (primary == null || secondary == null) {
            return new Diagnosis(MismatchKind.NULL, primary == null
                    ? "primary returned null, secondary a " + typeName(secondary)
                    : "primary returned a " + typeName(primary) + ", secondary null");
        }
        if (primary instanceof Map<?, ?> p && secondary instanceof Map<?, ?> s) {
            return ofMaps(p, s);
        }
        if (primitiveArrays(primary, secondary) && primary.getClass() != secondary.getClass()) {
            // An int[] never matches a long[]: their boxed elements differ in type, not in value.
            return typeDiffers(primary, secondary);
        }
        List<Object> p = DeepEquality.elements(primary);
        List<Object> s = DeepEquality.elements(secondary);
        if (p != null && s != null) {
            Diagnosis byElements = ofElements(p, s, !(primary instanceof Set<?>) && !(secondary instanceof Set<?>));
            if (byElements != null && byElements.kind() != MismatchKind.ORDER) {
                return byElements;
            }
            // The same elements in containers DeepEquality never matches (a list and an array, a
            // list and a set): the containers are the difference, not their contents or order.
            if (containerKind(primary) != containerKind(secondary)) {
                return typeDiffers(primary, secondary);
            }
            return byElements != null ? byElements
                    : new Diagnosis(MismatchKind.VALUE, "same " + elements(p.size()) + "; the comparator disagreed");
        }
        if (primary.getClass() != secondary.getClass()) {
            return typeDiffers(primary, secondary);
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

    /** Which containers DeepEquality compares with each other: 0 array, 1 list, 2 set, 3 other. */
    private static int containerKind(Object value) {
        if (value.getClass().isArray()) {
            return 0;
        }
        return value instanceof List<?> ? 1 : value instanceof Set<?> ? 2 : 3;
    }

    private static boolean primitiveArrays(Object primary, Object secondary) {
        return primary.getClass().isArray() && secondary.getClass().isArray()
                && primary.getClass().getComponentType().isPrimitive()
                && secondary.getClass().getComponentType().isPrimitive();
    }

    private static Diagnosis typeDiffers(Object primary, Object secondary) {
        return new Diagnosis(MismatchKind.TYPE,
                "primary returned a " + typeName(primary) + ", secondary a " + typeName(secondary));
    }

    /** Null when the two hold the same elements (in the same order, if {@code ordered}). */
    private static Diagnosis ofElements(List<Object> p, List<Object> s, boolean ordered) {
        Comparison.Tally tally = Comparison.tally(p, s);
        int missing = tally.missing();
        int extra = tally.extra();
        if (missing == 0 && extra == 0) {
            if (!ordered) {
                return null;
            }
            int first = 0;
            while (first < p.size() && DeepEquality.equal(p.get(first), s.get(first))) {
                first++;
            }
            if (first == p.size()) {
                return null;
            }
            return new Diagnosis(MismatchKind.ORDER,
                    "same " + elements(p.size()) + " in another order, first out of place at index " + first);
        }
        if (extra == 0) {
            return new Diagnosis(MismatchKind.MISSING,
                    "secondary lacks " + missing + " of the primary's " + elements(p.size()));
        }
        if (missing == 0) {
            return new Diagnosis(MismatchKind.EXTRA,
                    "secondary has " + elements(extra) + " the primary lacks (" + s.size() + " vs " + p.size() + ")");
        }
        // Positions say where only when the lists line up; otherwise an insertion shifts them all.
        String where = ordered && p.size() == s.size() ? where(p, s) : "";
        return new Diagnosis(MismatchKind.VALUE, missing + " of the primary's " + elements(p.size())
                + (missing == 1 ? " differs" : " differ") + " from the secondary's (" + extra + " unmatched of "
                + s.size() + ")" + where);
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
        if (differing == 0 && missing == 0) {
            return new Diagnosis(MismatchKind.VALUE, "same " + p.size() + " keys and values; the comparator disagreed");
        }
        return new Diagnosis(MismatchKind.VALUE, "values differ for " + differing + " of " + p.size()
                + " keys, " + missing + " missing, " + extra + " extra" + (differing > 0 ? where(p, s) : ""));
    }

    private static Diagnosis ofRecords(Object p, Object s) {
        List<String> differing = new ArrayList<>();
        for (RecordComponent c : Records.components(p.getClass())) {
            Object pv = Records.component(p, c);
            Object sv = Records.component(s, c);
            if (!DeepEquality.equal(pv, sv)) {
                differing.add(sameInstantOtherZone(pv, sv) ? c.getName() + " (same instant, another time zone)" : c.getName());
            }
        }
        if (differing.isEmpty()) {
            return new Diagnosis(MismatchKind.VALUE, "equal by structure; the comparator disagreed");
        }
        return new Diagnosis(MismatchKind.VALUE,
                p.getClass().getSimpleName() + " differs in " + String.join(", ", differing) + where(p, s));
    }

    /**
     * Where two values first differ, as {@code "; first difference at [0].pet.owner"}, when that
     * is deeper than their own parts; else "". A long path keeps its first and last steps and
     * says how deep it goes. Map keys show as {@code [<key>]}: they are values.
     */
    private static String where(Object p, Object s) {
        List<String> path = Comparison.firstDifference(p, s);
        if (path == null || path.size() < 2) {
            return "";
        }
        int size = path.size();
        if (size <= PATH_SHOWN) {
            return "; first difference at " + steps(path);
        }
        return "; first difference at " + steps(path.subList(0, PATH_HEAD)) + " ... "
                + steps(path.subList(size - PATH_TAIL, size)) + ", " + size + " levels down";
    }

    /** Labels joined into a path; ".pet.owner" reads better as "pet.owner". */
    private static String steps(List<String> labels) {
        String joined = String.join("", labels);
        return joined.startsWith(".") ? joined.substring(1) : joined;
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

    private static String elements(int count) {
        return count == 1 ? "1 element" : count + " elements";
    }

    private static String typeName(Object value) {
        String simple = value.getClass().getSimpleName();
        // Anonymous and hidden classes have no simple name; the binary name is still value-free.
        String name = simple.isEmpty() ? value.getClass().getName() : simple;
        if (value instanceof Collection<?> c) {
            // JDK-internal implementations (List.of's "List12", "ListN") mean nothing to a reader.
            String shown = value.getClass().getName().startsWith("java.util.ImmutableCollections")
                    ? (value instanceof List<?> ? "List" : value instanceof Set<?> ? "Set" : "Collection")
                    : name;
            return shown + " of " + c.size();
        }
        if (value.getClass().isArray()) {
            return name + " of " + Array.getLength(value);
        }
        return name;
    }
}
