package dev.dualstore.compare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of the structural comparison that {@link DeepEquality} describes. Not threadsafe: the
 * static methods make a new instance for every call, so they are.
 *
 * <p>The comparison runs on an explicit stack of frames, one per pair of containers being
 * compared, so a deep answer costs heap, not thread stack, and time linear in its size.
 *
 * <p>Cycles end because comparison is co-inductive, as in AssertJ's recursive comparison: a pair
 * of containers met again while it is being compared, or after it was found equal, counts as
 * equal. Pairs are tracked by identity, never by the values' own {@code equals} or
 * {@code hashCode}. So {@code a = [a]} equals {@code b = [b]} and {@code c = [[c]]}, and
 * {@code [a, 1]} differs from {@code [b, 2]} on the {@code 1}. Set elements are matched by trying
 * candidates with the same {@link StructuralHash}; a failed try takes back the pairs it assumed.
 *
 * <p>Records and objects compared by fields ({@link Shape#FIELDS}) are compared member by member,
 * as the {@link Rules} say. A lazy proxy or collection never loaded is left alone: the pair counts
 * as equal and, when tracing, its path is noted as not compared. In a multiset such an element
 * matches any one element of the other side.
 */
final class Comparison {

    private static final int CHILD = Frame.CHILD;
    private static final int EQUAL = Frame.EQUAL;
    private static final int DIFFERENT = Frame.DIFFERENT;
    /** What open() answers when it pushed a frame for the pair. */
    private static final int OPENED = 4;

    /** How many paths not compared a trace keeps. */
    private static final int NOT_COMPARED_KEPT = 20;

    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    final AssumedPairs assumed = new AssumedPairs();
    private final Rules rules;
    /** The path state of the first pair: the root's, or that of a part the caller stepped into. */
    private final int[] startPaths;
    private final boolean tracing;
    private StructuralHash hasher;
    /** Multiset frames on the stack: below them a difference may be retried away, so is not noted. */
    private int trials;
    private List<String> difference;
    private Object differentPrimary;
    private Object differentSecondary;
    private Set<String> notCompared;

    private Comparison(Rules rules, int[] startPaths, boolean tracing) {
        this.rules = rules;
        this.startPaths = startPaths;
        this.tracing = tracing;
    }

    private Comparison(Rules rules, boolean tracing) {
        this(rules, rules.rootPaths(), tracing);
    }

    /** Whether two values are structurally equal; see {@link DeepEquality#equal}. */
    static boolean equal(Object a, Object b, Rules rules) {
        return equal(a, b, rules, rules.rootPaths());
    }

    /**
     * Whether two parts of answers are structurally equal, where {@code paths} is the path state
     * of the parts (see {@link Rules#advance}).
     */
    static boolean equal(Object a, Object b, Rules rules, int[] paths) {
        a = Lazy.unwrap(a);
        b = Lazy.unwrap(b);
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        Shape shape = Shape.of(a);
        if (shape == Shape.LEAF && Shape.of(b) == Shape.LEAF) {
            return a.equals(b);
        }
        if (a.getClass() == b.getClass() && Shape.isPrimitiveArray(a)) {
            return PrimitiveArrays.equal(a, b);
        }
        return new Comparison(rules, paths, false).compare(a, b);
    }

    /** Whether two lists hold the same elements as often, in any order. */
    static boolean equalIgnoringOrder(List<?> a, List<?> b, Rules rules) {
        if (a.size() != b.size()) {
            return false;
        }
        Comparison comparison = new Comparison(rules, false);
        comparison.push(new Multiset(comparison, a, b, false), rules.rootPaths());
        return comparison.drain();
    }

    /**
     * Compares two lists as multisets.
     *
     * @return how many of {@code a}'s elements {@code b} lacks, and how many it has beyond them
     */
    static Tally tally(List<?> a, List<?> b, Rules rules) {
        Comparison comparison = new Comparison(rules, false);
        Multiset multiset = new Multiset(comparison, a, b, true);
        comparison.push(multiset, rules.rootPaths());
        comparison.drain();
        return new Tally(multiset.missing, multiset.extra, multiset.firstMissing, multiset.firstExtra);
    }

    /**
     * Compares two values and says where they first differ: the labels of the parts leading
     * there ({@code [0]} for a position, {@code .owner} for a field or record component,
     * {@code [<key>]} for a map value, never a key itself) and the two parts found there; and the
     * paths of the lazy values not compared on the way. Finite on cycles, as the comparison never
     * walks a pair twice.
     */
    static Trace trace(Object a, Object b, Rules rules) {
        Comparison comparison = new Comparison(rules, true);
        int verdict = comparison.open(a, b, null);
        boolean equal = verdict == OPENED ? comparison.drain() : verdict == EQUAL;
        List<String> notCompared = comparison.notCompared == null ? List.of() : List.copyOf(comparison.notCompared);
        if (equal) {
            return new Trace(null, null, null, notCompared);
        }
        if (comparison.difference == null) {
            return new Trace(List.of(), a, b, notCompared);
        }
        return new Trace(comparison.difference, comparison.differentPrimary, comparison.differentSecondary, notCompared);
    }

    /**
     * Counts from {@link #tally}, and the positions of the first element of {@code a} that
     * {@code b} lacks and of the first element of {@code b} beyond {@code a}'s (-1: none, or not
     * known because a lazy value never loaded matched something left over).
     */
    record Tally(int missing, int extra, int firstMissing, int firstExtra) {}

    /**
     * What {@link #trace} found.
     *
     * @param difference the labels of the path to the first difference (empty: the values
     *                   themselves), or null when the values are equal
     * @param primary    the primary's part where they differ
     * @param secondary  the secondary's part there
     * @param notCompared paths of lazy values left alone (at most {@value #NOT_COMPARED_KEPT}),
     *                   joined as diagnoses show them
     */
    record Trace(List<String> difference, Object primary, Object secondary, List<String> notCompared) {}

    private boolean compare(Object a, Object b) {
        int verdict = open(a, b, null);
        return verdict == OPENED ? drain() : verdict == EQUAL;
    }

    /** Runs frames until the first one pushed has its answer. */
    private boolean drain() {
        boolean partEqual = true;
        while (true) {
            Frame top = stack.peek();
            int step = top.next(partEqual);
            if (step == CHILD) {
                int verdict = open(top.x, top.y, top);
                partEqual = verdict != DIFFERENT;
                if (!partEqual) {
                    note(top.x, top.y);
                }
                continue;
            }
            stack.pop();
            if (top instanceof Multiset) {
                trials--;
            }
            if (step == DIFFERENT) {
                note(top.a, top.b);
            }
            if (stack.isEmpty()) {
                return step == EQUAL;
            }
            partEqual = step == EQUAL;
        }
    }

    /**
     * Decides a pair at once when it can (same instance, null, unloaded, leaves, different shapes
     * or sizes, primitive arrays, already assumed), otherwise pushes a frame for it.
     *
     * @param parent the frame that asked, or null for the first pair
     * @return EQUAL, DIFFERENT or OPENED
     */
    private int open(Object x, Object y, Frame parent) {
        x = Lazy.unwrap(x);
        y = Lazy.unwrap(y);
        if (x == y) {
            return EQUAL;
        }
        if (x == null || y == null) {
            return DIFFERENT;
        }
        Shape shape = Shape.of(x);
        Shape other = Shape.of(y);
        if (shape == Shape.UNLOADED || other == Shape.UNLOADED) {
            // Never loaded, and must not be: taken as equal, and said to be not compared.
            skipped();
            return EQUAL;
        }
        Class<?> byFields = null;
        if (shape == Shape.FIELDS || other == Shape.FIELDS) {
            byFields = shape == other || rules.declaredTypes
                    ? rules.comparedClass(x, y, parent == null ? null : parent.declaredType()) : null;
            if (byFields == null) {
                return x.equals(y) ? EQUAL : DIFFERENT;
            }
        } else if (shape != other || !shape.partwise(x, y)) {
            return x.equals(y) ? EQUAL : DIFFERENT;
        } else if (shape.size(x) != shape.size(y)) {
            return DIFFERENT;
        }
        if (!tracing && x.getClass() == y.getClass() && Shape.isPrimitiveArray(x)) {
            // Compared element by element below when tracing, to name the index that differs.
            return PrimitiveArrays.equal(x, y) ? EQUAL : DIFFERENT;
        }
        if (parent != null && !parent.registered) {
            // A frame joins the assumed pairs only when it meets a pair of container parts: a
            // pair of containers of leaves alone can never be met again through a cycle, and is
            // cheap to compare again when shared, so flat answers pay nothing for cycle tracking.
            // Before the check below, so that a part that is the pair itself is found there.
            register(parent);
        }
        if (assumed.contains(x, y)) {
            return EQUAL;
        }
        Frame frame = switch (shape) {
            case SET -> new Multiset(this, new ArrayList<>((Set<?>) x), new ArrayList<>((Set<?>) y), false);
            case MAP -> new Frame.ByKey((Map<?, ?>) x, (Map<?, ?>) y);
            case RECORD -> new Frame.ByMember(rules, Shape.typeOf(x));
            case FIELDS -> new Frame.ByMember(rules, byFields);
            default -> new Frame.InOrder(shape.parts(x), shape.parts(y));
        };
        frame.a = x;
        frame.b = y;
        // The label is asked for only when some ignored path may still match: it allocates.
        push(frame, parent == null ? startPaths : parent.paths == null ? null : rules.advance(parent.paths, parent.label()));
        return OPENED;
    }

    private void push(Frame frame, int[] paths) {
        frame.paths = paths;
        if (frame instanceof Multiset) {
            // Registered at once, before its first try: a failed try takes back every pair
            // assumed after the try began, and the multiset's own pair must survive that.
            register(frame);
            trials++;
        }
        stack.push(frame);
    }

    private void register(Frame frame) {
        frame.registered = true;
        if (frame.a != null) {
            // Only assumptions made inside a try can be taken back, so only those are logged.
            assumed.add(frame.a, frame.b, trials > 0);
        }
    }

    /** Notes the path to the pair that differs, unless a multiset may still retry it away. */
    private void note(Object x, Object y) {
        if (!tracing || trials > 0) {
            return;
        }
        difference = path();
        differentPrimary = x;
        differentSecondary = y;
    }

    /** Notes the path to a pair left alone because a side was never loaded. */
    void skipped() {
        if (!tracing) {
            return;
        }
        if (notCompared == null) {
            notCompared = new LinkedHashSet<>();
        }
        if (notCompared.size() < NOT_COMPARED_KEPT) {
            notCompared.add(Where.steps(path()));
        }
    }

    private List<String> path() {
        List<String> path = new ArrayList<>(stack.size());
        for (Iterator<Frame> it = stack.descendingIterator(); it.hasNext(); ) {
            path.add(it.next().label());
        }
        return path;
    }

    StructuralHash hasher() {
        if (hasher == null) {
            hasher = new StructuralHash(rules);
        }
        return hasher;
    }

}
