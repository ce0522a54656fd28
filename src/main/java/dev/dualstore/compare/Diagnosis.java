package dev.dualstore.compare;

import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why two answers differ: a {@link MismatchKind} for the meter tag, a short description for
 * people that names counts, positions, field and component names and types, never record values,
 * and the path to the first difference found. A record or an object compared by fields names the
 * members that differ, with both sides' types when one is null or they differ in type or size
 * ({@code "Pet differs in owner (Owner vs null)"}). Where the difference lies below the answers' own
 * parts, the description ends with that path and the types of the two sides found there, such as
 * {@code "; first difference at [0].pet.owner: Owner vs null"}: positions, field and component
 * names, with map keys shown as {@code [<key>]}; a path longer than 12 steps shows its first 6
 * and last 4 and says how many levels down it ends. Lazy values never loaded that were left alone
 * on the way are listed after {@code "; not compared (never loaded): "}. A list the secondary
 * lacks elements of names the primary's position of the first one missing ({@code "; first
 * missing at [2]: Pet"}, path {@code [2]}), one in another order the first position out of place
 * (path {@code [0]}). Diagnosing cyclic or
 * deep answers ends and uses no more thread stack than shallow ones, as {@link DeepEquality}
 * does.
 *
 * @param kind       the kind of difference
 * @param difference the description
 * @param path       the path to the first difference found, as the description prints it
 *                   ({@code [1].pet.owner}, {@code name}; beyond 64 steps abbreviated as there),
 *                   or "" when the answers themselves differ (in type, size or nullness; a list
 *                   with elements missing or out of place names the first one's position) or no
 *                   path is known
 */
public record Diagnosis(MismatchKind kind, String difference, String path) {

    /** Checks arguments. */
    public Diagnosis {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(difference, "difference");
        Objects.requireNonNull(path, "path");
    }

    /**
     * A diagnosis with no path, as a custom comparator may give.
     *
     * @param kind       the kind of difference
     * @param difference the description
     */
    public Diagnosis(MismatchKind kind, String difference) {
        this(kind, difference, "");
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
     * Explains why two returned values differ, as {@link DeepEquality} compares them.
     *
     * @param primary   the primary's value, may be null
     * @param secondary the secondary's value, may be null
     * @return the diagnosis
     */
    public static Diagnosis of(Object primary, Object secondary) {
        return of(primary, secondary, Rules.DEFAULT);
    }

    /** Explains why two returned values differ, as a comparator with these rules compares them. */
    static Diagnosis of(Object primary, Object secondary, Rules rules) {
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
        primary = Lazy.unwrap(primary);
        secondary = Lazy.unwrap(secondary);
        if (primary == null && secondary == null) {
            return new Diagnosis(MismatchKind.VALUE, "both returned null; the comparator disagreed");
        }
        if (primary == null || secondary == null) {
            return new Diagnosis(MismatchKind.NULL, primary == null
                    ? "primary returned null, secondary a " + typeName(secondary)
                    : "primary returned a " + typeName(primary) + ", secondary null");
        }
        if (Lazy.unloaded(primary) || Lazy.unloaded(secondary)) {
            return new Diagnosis(MismatchKind.VALUE, "not compared: the " + (Lazy.unloaded(primary) ? "primary" : "secondary")
                    + " returned a " + typeName(Lazy.unloaded(primary) ? primary : secondary) + "; the comparator disagreed");
        }
        if (primary instanceof Map<?, ?> p && secondary instanceof Map<?, ?> s) {
            return ofMaps(p, s, rules);
        }
        if (primitiveArrays(primary, secondary) && primary.getClass() != secondary.getClass()) {
            // An int[] never matches a long[]: their boxed elements differ in type, not in value.
            return typeDiffers(primary, secondary);
        }
        List<Object> p = DeepEquality.elements(primary);
        List<Object> s = DeepEquality.elements(secondary);
        if (p != null && s != null) {
            Diagnosis byElements = ofElements(p, s, !(primary instanceof Set<?>) && !(secondary instanceof Set<?>), rules);
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
        return ofObjects(primary, secondary, rules);
    }

    /** Two non-null answers that are neither maps nor collections nor arrays. */
    private static Diagnosis ofObjects(Object primary, Object secondary, Rules rules) {
        Shape shape = Shape.of(primary);
        if ((shape == Shape.FIELDS || Shape.of(secondary) == Shape.FIELDS)
                && (shape == Shape.of(secondary) || rules.declaredTypes)) {
            Class<?> type = rules.comparedClass(primary, secondary, null);
            if (type != null) {
                return ofMembers(primary, secondary, type, rules);
            }
        }
        if (Shape.typeOf(primary) != Shape.typeOf(secondary)) {
            return typeDiffers(primary, secondary);
        }
        if (Shape.of(primary) == Shape.RECORD) {
            return ofMembers(primary, secondary, Shape.typeOf(primary), rules);
        }
        if (sameInstantOtherZone(primary, secondary)) {
            return new Diagnosis(MismatchKind.VALUE, "same instant in another time zone");
        }
        if (Comparison.equal(primary, secondary, rules)) {
            return new Diagnosis(MismatchKind.VALUE, "equal by structure; the comparator disagreed");
        }
        String unreadable = Members.unreadable(Shape.typeOf(primary));
        return new Diagnosis(MismatchKind.VALUE, typeName(primary) + " values differ"
                + (unreadable != null ? " (" + unreadable + ")" : ""));
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
    private static Diagnosis ofElements(List<Object> p, List<Object> s, boolean ordered, Rules rules) {
        Comparison.Tally tally = Comparison.tally(p, s, rules);
        int missing = tally.missing();
        int extra = tally.extra();
        if (missing == 0 && extra == 0) {
            if (!ordered) {
                return null;
            }
            int first = 0;
            while (first < p.size() && Comparison.equal(p.get(first), s.get(first), rules,
                    rules.advance(rules.rootPaths(), "[" + first + "]"))) {
                first++;
            }
            if (first == p.size()) {
                return null;
            }
            return new Diagnosis(MismatchKind.ORDER,
                    "same " + elements(p.size()) + " in another order, first out of place at index " + first, "[" + first + "]");
        }
        if (extra == 0) {
            // The primary's position of the first element the secondary lacks, in a list (a set has none).
            int at = ordered ? tally.firstMissing() : -1;
            return new Diagnosis(MismatchKind.MISSING, "secondary lacks " + missing + " of the primary's " + elements(p.size())
                    + (at >= 0 ? "; first missing at [" + at + "]: " + typeName(p.get(at)) : ""), at >= 0 ? "[" + at + "]" : "");
        }
        if (missing == 0) {
            // A position in the secondary's list, which the primary's positions do not reach: no path.
            int at = ordered ? tally.firstExtra() : -1;
            return new Diagnosis(MismatchKind.EXTRA,
                    "secondary has " + elements(extra) + " the primary lacks (" + s.size() + " vs " + p.size() + ")"
                    + (at >= 0 ? "; first extra at the secondary's [" + at + "]: " + typeName(s.get(at)) : ""));
        }
        // Positions say where only when the lists line up; otherwise an insertion shifts them all.
        Where where = ordered && p.size() == s.size() ? Where.of(p, s, rules) : Where.NOWHERE;
        return new Diagnosis(MismatchKind.VALUE, missing + " of the primary's " + elements(p.size())
                + (missing == 1 ? " differs" : " differ") + " from the secondary's (" + extra + " unmatched of "
                + s.size() + ")" + where.text(), where.path());
    }

    private static Diagnosis ofMaps(Map<?, ?> p, Map<?, ?> s, Rules rules) {
        int[] valuePaths = rules.advance(rules.rootPaths(), "[<key>]");
        int missing = 0;
        int differing = 0;
        for (Map.Entry<?, ?> e : p.entrySet()) {
            if (!s.containsKey(e.getKey())) {
                missing++;
            } else if (!Comparison.equal(e.getValue(), s.get(e.getKey()), rules, valuePaths)) {
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
        Where where = differing > 0 ? Where.of(p, s, rules) : Where.NOWHERE;
        return new Diagnosis(MismatchKind.VALUE, "values differ for " + differing + " of " + p.size()
                + " keys, " + missing + " missing, " + extra + " extra" + where.text(), where.path());
    }

    /** Two records of one class, or two objects compared by the fields of {@code type}. */
    private static Diagnosis ofMembers(Object p, Object s, Class<?> type, Rules rules) {
        Members members = Members.of(type);
        boolean[] ignored = rules.ignored(type);
        int[] root = rules.rootPaths();
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (ignored[i] || rules.ignoredAt(root, members.names[i])) {
                continue;
            }
            Object pv = members.read(p, i);
            Object sv = members.read(s, i);
            if (!rules.ignoresValue(pv) && !rules.ignoresValue(sv)
                    && !Comparison.equal(pv, sv, rules, rules.advance(root, members.labels[i]))) {
                differing.add(members.names[i] + sides(pv, sv));
            }
        }
        if (differing.isEmpty()) {
            return new Diagnosis(MismatchKind.VALUE, "equal by structure; the comparator disagreed");
        }
        Where where = Where.of(p, s, rules);
        return new Diagnosis(MismatchKind.VALUE,
                typeName(p) + " differs in " + String.join(", ", differing) + where.text(), where.path());
    }

    /**
     * What a member's two values are, when that says more than its name: one is null, or they
     * are of different shapes, classes or sizes (lists of two classes with the same elements
     * compare equal, so their classes alone are not news). Types and sizes, never values.
     */
    private static String sides(Object p, Object s) {
        if (sameInstantOtherZone(p, s)) {
            return " (same instant, another time zone)";
        }
        if (p != null && s != null) {
            Shape shape = Shape.of(p);
            boolean container = shape.container() && shape != Shape.FIELDS && shape != Shape.RECORD;
            if (shape == Shape.of(s) && (container ? shape.size(p) == shape.size(s) : Shape.typeOf(p) == Shape.typeOf(s))) {
                return "";
            }
        }
        return " (" + typeName(p) + " vs " + typeName(s) + ")";
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
        return Where.typeName(value);
    }
}
