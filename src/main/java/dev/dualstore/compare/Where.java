package dev.dualstore.compare;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where two answers first differ, for a {@link Diagnosis}: the path there and the text that ends
 * a description, {@code "; first difference at [0].pet.owner: Owner vs null"}, naming the types
 * of the two parts found there, never their values. Immutable.
 *
 * @param text        the end of a description, or "" when there is nothing to add
 * @param path        the path to the first difference as diagnoses print it (abbreviated as in
 *                    the text beyond 64 steps), or "" when the answers themselves differ
 * @param notCompared the paths of lazy values left alone on the way, joined; "" when none
 */
record Where(String text, String path, String notCompared) {

    static final Where NOWHERE = new Where("", "", "");

    /** Paths up to this many steps are shown whole; longer ones by their head and tail. */
    private static final int PATH_SHOWN = 12;
    private static final int PATH_HEAD = 6;
    private static final int PATH_TAIL = 4;
    /** Paths up to this many steps are given whole in {@link #path}; longer ones as shown. */
    private static final int PATH_KEPT = 64;

    /**
     * Where {@code p} and {@code s} first differ. The text names the path when it is deeper than
     * the values' own parts (their parts are named by the description itself); a long path keeps
     * its first and last steps and says how deep it goes. Map keys show as {@code [<key>]}: they
     * are values.
     */
    static Where of(Object p, Object s, Rules rules) {
        Comparison.Trace trace = Comparison.trace(p, s, rules);
        String notCompared = String.join(", ", trace.notCompared());
        List<String> path = trace.difference();
        if (path == null || path.isEmpty()) {
            return new Where(notCompared(notCompared), "", notCompared);
        }
        String sides = ": " + typeName(trace.primary()) + " vs " + typeName(trace.secondary());
        int size = path.size();
        String shown = size <= PATH_SHOWN ? steps(path) : steps(path.subList(0, PATH_HEAD)) + " ... "
                + steps(path.subList(size - PATH_TAIL, size)) + ", " + size + " levels down";
        String text = size < 2 ? "" : "; first difference at " + shown + sides;
        // A path is kept whole up to PATH_KEPT steps: a Mismatch must stay small.
        return new Where(text + notCompared(notCompared), size <= PATH_KEPT ? steps(path) : shown, notCompared);
    }

    private static String notCompared(String paths) {
        return paths.isEmpty() ? "" : "; not compared (never loaded): " + paths;
    }

    /** Labels joined into a path; ".pet.owner" reads better as "pet.owner". */
    static String steps(List<String> labels) {
        String joined = String.join("", labels);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    /** The type of a value, as a diagnosis shows it; never its content. */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        Class<?> type = Lazy.shownClass(Shape.typeOf(value));
        String simple = type.getSimpleName();
        // Anonymous and hidden classes have no simple name; the binary name is still value-free.
        String name = simple.isEmpty() ? type.getName() : simple;
        if (Lazy.unloaded(value)) {
            // Its size would load it.
            return name + " (not loaded)";
        }
        if (value instanceof Collection<?> c) {
            // JDK-internal implementations (List.of's "List12", "ListN") mean nothing to a reader.
            String shown = type.getName().startsWith("java.util.ImmutableCollections")
                    ? (value instanceof List<?> ? "List" : value instanceof Set<?> ? "Set" : "Collection")
                    : name;
            return shown + " of " + c.size();
        }
        if (type.isArray()) {
            return name + " of " + Array.getLength(value);
        }
        return name;
    }
}
