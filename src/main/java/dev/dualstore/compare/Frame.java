package dev.dualstore.compare;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A pair of containers being compared by {@link Comparison}, one frame of its explicit stack, and
 * the pair of parts it asked about last. The ordered, keyed and member-wise frames are here; the
 * multiset frame, which needs the comparison's hash and assumed pairs, is {@link Multiset}.
 * Not threadsafe.
 */
abstract class Frame {
    // What next() answers.
    static final int CHILD = 0;
    static final int EQUAL = 1;
    /** The frame's own parts differ (sizes, keys, unmatched elements): the difference is here. */
    static final int DIFFERENT = 2;
    /** A part compared unequal: the difference is further down, already noted. */
    static final int PART_DIFFERENT = 3;

    /** The pair compared, null for the lists of a top-level unordered comparison. */
    Object a;
    Object b;
    /** Whether (a, b) is among the assumed pairs. */
    boolean registered;
    /** The parts to compare next, when next() answers CHILD. */
    Object x;
    Object y;
    /** How far each ignored path matches the path to this frame; null when none can. */
    int[] paths;

    /**
     * @param partEqual whether the pair of parts asked for last was equal; true on the
     *                  first call
     * @return CHILD with the next pair of parts in x and y, or this pair's verdict
     */
    abstract int next(boolean partEqual);

    /** The label of the part being compared, for paths. */
    abstract String label();

    /** The declared type of the part being compared, when it is a field; else null. */
    Class<?> declaredType() {
        return null;
    }

    /** Parts compared pairwise in order: arrays, lists, other collections, Optionals. */
    static final class InOrder extends Frame {
        private final Iterator<?> left;
        private final Iterator<?> right;
        private int index = -1;

        InOrder(Iterator<?> left, Iterator<?> right) {
            this.left = left;
            this.right = right;
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
            return a instanceof Optional<?> ? ".get()" : "[" + index + "]";
        }
    }

    /**
     * The members of a record, or the fields of an object compared by fields, in declaration
     * order, less those the rules ignore (by name, type or path). Both sides are instances of
     * {@code type}, whose members are compared.
     */
    static final class ByMember extends Frame {
        private final Rules rules;
        private final Members members;
        private final boolean[] ignored;
        private int index = -1;

        ByMember(Rules rules, Class<?> type) {
            this.rules = rules;
            this.members = Members.of(type);
            this.ignored = rules.ignored(type);
        }

        @Override
        int next(boolean partEqual) {
            if (!partEqual) {
                return PART_DIFFERENT;
            }
            while (++index < members.size()) {
                if (ignored[index] || rules.ignoredAt(paths, members.names[index])) {
                    continue;
                }
                x = members.read(a, index);
                y = members.read(b, index);
                if (!rules.ignoresValue(x) && !rules.ignoresValue(y)) {
                    return CHILD;
                }
            }
            return EQUAL;
        }

        @Override
        String label() {
            return members.labels[index];
        }

        @Override
        Class<?> declaredType() {
            return members.types[index];
        }
    }

    /** Map values compared key by key; keys by their own equals, as the maps themselves do. */
    static final class ByKey extends Frame {
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
}
