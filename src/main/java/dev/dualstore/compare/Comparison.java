package dev.dualstore.compare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
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
 */
final class Comparison {

    // What a frame's next() answers.
    private static final int CHILD = 0;
    private static final int EQUAL = 1;
    /** The frame's own parts differ (sizes, keys, unmatched elements): the difference is here. */
    private static final int DIFFERENT = 2;
    /** A part compared unequal: the difference is further down, already noted. */
    private static final int PART_DIFFERENT = 3;
    /** What open() answers when it pushed a frame for the pair. */
    private static final int OPENED = 4;

    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private final AssumedPairs assumed = new AssumedPairs();
    private final boolean tracing;
    private StructuralHash hasher;
    /** Multiset frames on the stack: below them a difference may be retried away, so is not noted. */
    private int trials;
    private List<String> difference;

    private Comparison(boolean tracing) {
        this.tracing = tracing;
    }

    /** Whether two values are structurally equal; see {@link DeepEquality#equal}. */
    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        Shape shape = Shape.of(a);
        if (shape != Shape.of(b) || !shape.partwise(a, b)) {
            return a.equals(b);
        }
        if (a.getClass() == b.getClass() && Shape.isPrimitiveArray(a)) {
            return PrimitiveArrays.equal(a, b);
        }
        return new Comparison(false).compare(a, b);
    }

    /** Whether two lists hold the same elements as often, in any order. */
    static boolean equalIgnoringOrder(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Comparison comparison = new Comparison(false);
        comparison.push(comparison.new Multiset(a, b, false));
        return comparison.drain();
    }

    /**
     * Compares two lists as multisets.
     *
     * @return how many of {@code a}'s elements {@code b} lacks, and how many it has beyond them
     */
    static Tally tally(List<?> a, List<?> b) {
        Comparison comparison = new Comparison(false);
        Multiset multiset = comparison.new Multiset(a, b, true);
        comparison.push(multiset);
        comparison.drain();
        return new Tally(multiset.missing, multiset.extra);
    }

    /**
     * Where two values first differ: the labels of the parts leading there ({@code [0]} for a
     * position, {@code .owner} for a record component, {@code [<key>]} for a map value, never a
     * key itself), empty when the values themselves differ (their types or sizes, say), or null
     * when they are equal. Finite on cycles, as the comparison never walks a pair twice.
     */
    static List<String> firstDifference(Object a, Object b) {
        Comparison comparison = new Comparison(true);
        int verdict = comparison.open(a, b, null);
        if (verdict == OPENED) {
            return comparison.drain() ? null : comparison.difference;
        }
        return verdict == EQUAL ? null : List.of();
    }

    /** Counts from {@link #tally}. */
    record Tally(int missing, int extra) {}

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
                    note();
                }
                continue;
            }
            stack.pop();
            if (top instanceof Multiset) {
                trials--;
            }
            if (step == DIFFERENT) {
                note();
            }
            if (stack.isEmpty()) {
                return step == EQUAL;
            }
            partEqual = step == EQUAL;
        }
    }

    /**
     * Decides a pair at once when it can (same instance, null, leaves, different shapes or sizes,
     * primitive arrays, already assumed), otherwise pushes a frame for it.
     *
     * @param parent the frame that asked, or null for the first pair
     * @return EQUAL, DIFFERENT or OPENED
     */
    private int open(Object x, Object y, Frame parent) {
        if (x == y) {
            return EQUAL;
        }
        if (x == null || y == null) {
            return DIFFERENT;
        }
        Shape shape = Shape.of(x);
        if (shape != Shape.of(y) || !shape.partwise(x, y)) {
            return x.equals(y) ? EQUAL : DIFFERENT;
        }
        if (shape.size(x) != shape.size(y)) {
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
        push(switch (shape) {
            case SET -> new Multiset(new ArrayList<>((Set<?>) x), new ArrayList<>((Set<?>) y), false);
            case MAP -> new ByKey((Map<?, ?>) x, (Map<?, ?>) y);
            default -> new InOrder(shape.parts(x), shape.parts(y), shape.names(x));
        }, x, y);
        return OPENED;
    }

    private void push(Frame frame, Object x, Object y) {
        frame.a = x;
        frame.b = y;
        push(frame);
    }

    private void push(Frame frame) {
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
    private void note() {
        if (!tracing || trials > 0) {
            return;
        }
        List<String> path = new ArrayList<>(stack.size());
        for (Iterator<Frame> it = stack.descendingIterator(); it.hasNext(); ) {
            path.add(it.next().label());
        }
        difference = path;
    }

    private StructuralHash hasher() {
        if (hasher == null) {
            hasher = new StructuralHash();
        }
        return hasher;
    }

    /** A pair of containers being compared, and the pair of parts it asked about last. */
    private abstract static class Frame {
        /** The pair compared, null for the lists of a top-level unordered comparison. */
        Object a;
        Object b;
        /** Whether (a, b) is among the assumed pairs. */
        boolean registered;
        /** The parts to compare next, when next() answers CHILD. */
        Object x;
        Object y;

        /**
         * @param partEqual whether the pair of parts asked for last was equal; true on the
         *                  first call
         * @return CHILD with the next pair of parts in x and y, or this pair's verdict
         */
        abstract int next(boolean partEqual);

        /** The label of the part being compared, for paths. */
        abstract String label();
    }

    /** Parts compared pairwise in order: arrays, lists, other collections, Optionals, records. */
    private static final class InOrder extends Frame {
        private final Iterator<?> left;
        private final Iterator<?> right;
        private final String[] names;
        private int index = -1;

        InOrder(Iterator<?> left, Iterator<?> right, String[] names) {
            this.left = left;
            this.right = right;
            this.names = names;
        }

        @Override
        int next(boolean partEqual) {
            if (!partEqual) {
                return PART_DIFFERENT;
            }
            boolean more = left.hasNext();
            if (more != right.hasNext()) {
                // Sizes matched when the frame opened; a concurrent change can still get here.
                return DIFFERENT;
            }
            if (!more) {
                return EQUAL;
            }
            x = left.next();
            y = right.next();
            index++;
            return CHILD;
        }

        @Override
        String label() {
            return names != null ? "." + names[index] : "[" + index + "]";
        }
    }

    /** Map values compared key by key; keys by their own equals, as the maps themselves do. */
    private static final class ByKey extends Frame {
        private final Iterator<? extends Map.Entry<?, ?>> entries;
        private final Map<?, ?> other;

        ByKey(Map<?, ?> map, Map<?, ?> other) {
            this.entries = map.entrySet().iterator();
            this.other = other;
        }

        @Override
        int next(boolean partEqual) {
            if (!partEqual) {
                return PART_DIFFERENT;
            }
            if (!entries.hasNext()) {
                return EQUAL;
            }
            Map.Entry<?, ?> entry = entries.next();
            if (!other.containsKey(entry.getKey())) {
                return DIFFERENT;
            }
            x = entry.getValue();
            y = other.get(entry.getKey());
            return CHILD;
        }

        @Override
        String label() {
            // Keys are values from the store; a diagnosis must not show them.
            return "[<key>]";
        }
    }

    /**
     * Two lists compared as multisets: each element joins the first group of equal elements
     * (candidates share its hash, and each is tried in turn), counting up for the left list and
     * down for the right one. Stops at the first right element left over unless tallying.
     */
    private final class Multiset extends Frame {
        private final List<?> left;
        private final List<?> right;
        private final boolean tallying;
        private final Map<Integer, List<Group>> groups = new HashMap<>();
        private int position;
        private boolean holding;
        private Object element;
        private int sign;
        private List<Group> candidates;
        private int candidate;
        private boolean trying;
        private int mark;
        int missing;
        int extra;

        Multiset(List<?> left, List<?> right, boolean tallying) {
            this.left = left;
            this.right = right;
            this.tallying = tallying;
        }

        @Override
        int next(boolean partEqual) {
            if (trying) {
                trying = false;
                if (partEqual) {
                    Group group = candidates.get(candidate);
                    group.count += sign;
                    if (!tallying && group.count < 0) {
                        return DIFFERENT;
                    }
                    holding = false;
                } else {
                    assumed.rollback(mark);
                    candidate++;
                }
            }
            while (true) {
                if (!holding) {
                    if (position == left.size() + right.size()) {
                        return finish();
                    }
                    boolean fromLeft = position < left.size();
                    element = fromLeft ? left.get(position) : right.get(position - left.size());
                    sign = fromLeft ? 1 : -1;
                    position++;
                    holding = true;
                    candidates = groups.computeIfAbsent(hasher().hash(element), h -> new ArrayList<>(1));
                    candidate = 0;
                }
                if (candidate < candidates.size()) {
                    x = element;
                    y = candidates.get(candidate).representative;
                    mark = assumed.mark();
                    trying = true;
                    return CHILD;
                }
                if (!tallying && sign < 0) {
                    return DIFFERENT;
                }
                candidates.add(new Group(element, sign));
                holding = false;
            }
        }

        private int finish() {
            for (List<Group> bucket : groups.values()) {
                for (Group group : bucket) {
                    if (group.count > 0) {
                        missing += group.count;
                    } else {
                        extra -= group.count;
                    }
                }
            }
            return missing == 0 && extra == 0 ? EQUAL : DIFFERENT;
        }

        @Override
        String label() {
            return "{}";
        }
    }

    /** Equal elements met so far: the first of them, and how many more the left list has. */
    private static final class Group {
        final Object representative;
        int count;

        Group(Object representative, int count) {
            this.representative = representative;
            this.count = count;
        }
    }

    /**
     * Pairs of containers assumed equal (being compared, or found equal), by identity; with an
     * undo log for the assumptions of a multiset's try, taken back if the try fails.
     */
    private static final class AssumedPairs {
        /** Left value -> its right value, or {@link Partners} when it pairs with several. */
        private IdentityHashMap<Object, Object> pairs;
        private Object[] log = new Object[0];
        private int logged;

        boolean contains(Object a, Object b) {
            Object partner = pairs == null ? null : pairs.get(a);
            return partner == b || partner instanceof Partners p && p.rights.contains(b);
        }

        void add(Object a, Object b, boolean undoable) {
            if (pairs == null) {
                pairs = new IdentityHashMap<>();
            }
            Object partner = pairs.putIfAbsent(a, b);
            if (partner != null && partner != b) {
                Partners many;
                if (partner instanceof Partners p) {
                    many = p;
                } else {
                    many = new Partners();
                    many.rights.add(partner);
                    pairs.put(a, many);
                }
                many.rights.add(b);
            }
            if (undoable) {
                if (logged + 2 > log.length) {
                    log = Arrays.copyOf(log, Math.max(16, log.length * 2));
                }
                log[logged++] = a;
                log[logged++] = b;
            }
        }

        int mark() {
            return logged;
        }

        void rollback(int mark) {
            while (logged > mark) {
                Object b = log[--logged];
                Object a = log[--logged];
                log[logged] = null;
                log[logged + 1] = null;
                Object partner = pairs.get(a);
                if (partner == b) {
                    pairs.remove(a);
                } else if (partner instanceof Partners p) {
                    p.rights.remove(b);
                }
            }
        }

        /** The right values one left value pairs with, by identity. */
        private static final class Partners {
            final Set<Object> rights = Collections.newSetFromMap(new IdentityHashMap<>());
        }
    }
}
