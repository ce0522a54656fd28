package dev.dualstore.compare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two lists compared as multisets: each element joins the first group of equal elements
 * (candidates share its hash, and each is tried in turn), counting up for the left list and
 * down for the right one. Stops at the first right element left over unless tallying.
 *
 * <p>An element never loaded is a wildcard: it matches any one element of the other side
 * that is left over, so it never makes a difference on its own. Lists holding one are
 * always tallied, as a wildcard on the right may absorb what is left over on the left.
 *
 * <p>A frame of one {@link Comparison}, whose assumed pairs its tries use and take back, and
 * whose hash finds candidates. Not threadsafe.
 */
final class Multiset extends Frame {
    private final Comparison comparison;
    private final List<?> left;
    private final List<?> right;
    private final boolean tallying;
    private int wildLeft;
    private int wildRight;
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
    /**
     * The position in the left list of the first element the right one lacks, and in the right
     * list of the first it has beyond the left's; -1 when there is none, or when a wildcard took
     * part (it absorbs some element left over, and which one is unknown).
     */
    int firstMissing = -1;
    int firstExtra = -1;

    Multiset(Comparison comparison, List<?> left, List<?> right, boolean tallying) {
        this.comparison = comparison;
        this.left = left;
        this.right = right;
        this.tallying = tallying || anyUnloaded(left) || anyUnloaded(right);
    }

    private static boolean anyUnloaded(List<?> elements) {
        for (Object element : elements) {
            if (Lazy.unloaded(element)) {
                return true;
            }
        }
        return false;
    }

    @Override
    int next(boolean partEqual) {
        if (trying) {
            trying = false;
            if (partEqual) {
                Group group = candidates.get(candidate);
                group.count += sign;
                group.seen(sign, position - 1 - (sign > 0 ? 0 : left.size()));
                if (!tallying && group.count < 0) {
                    return DIFFERENT;
                }
                holding = false;
            } else {
                comparison.assumed.rollback(mark);
                candidate++;
            }
        }
        while (true) {
            if (!holding) {
                if (position == left.size() + right.size()) {
                    return finish();
                }
                boolean fromLeft = position < left.size();
                element = Lazy.unwrap(fromLeft ? left.get(position) : right.get(position - left.size()));
                sign = fromLeft ? 1 : -1;
                position++;
                if (Lazy.unloaded(element)) {
                    comparison.skipped();
                    if (fromLeft) {
                        wildLeft++;
                    } else {
                        wildRight++;
                    }
                    continue;
                }
                holding = true;
                candidates = groups.computeIfAbsent(comparison.hasher().hash(element), h -> new ArrayList<>(1));
                candidate = 0;
            }
            if (candidate < candidates.size()) {
                x = element;
                y = candidates.get(candidate).representative;
                mark = comparison.assumed.mark();
                trying = true;
                return CHILD;
            }
            if (!tallying && sign < 0) {
                return DIFFERENT;
            }
            Group created = new Group(element, sign);
            created.seen(sign, position - 1 - (sign > 0 ? 0 : left.size()));
            candidates.add(created);
            holding = false;
        }
    }

    private int finish() {
        for (List<Group> bucket : groups.values()) {
            for (Group group : bucket) {
                if (group.count > 0) {
                    missing += group.count;
                    firstMissing = firstMissing < 0 ? group.firstLeft : Math.min(firstMissing, group.firstLeft);
                } else if (group.count < 0) {
                    extra -= group.count;
                    firstExtra = firstExtra < 0 ? group.firstRight : Math.min(firstExtra, group.firstRight);
                }
            }
        }
        // Wildcards on each side take what the other side has left over, then each other.
        int absorbedMissing = Math.min(missing, wildRight);
        int absorbedExtra = Math.min(extra, wildLeft);
        int spareLeft = wildLeft - absorbedExtra;
        int spareRight = wildRight - absorbedMissing;
        int paired = Math.min(spareLeft, spareRight);
        missing += spareLeft - paired - absorbedMissing;
        extra += spareRight - paired - absorbedExtra;
        if (wildLeft + wildRight > 0) {
            firstMissing = -1;
            firstExtra = -1;
        }
        return missing == 0 && extra == 0 ? EQUAL : DIFFERENT;
    }

    @Override
    String label() {
        return "{}";
    }

    /**
     * Equal elements met so far: the first of them, how many more the left list has, and the
     * first position of one of them in each list (-1 until one is met there).
     */
    private static final class Group {
        final Object representative;
        int count;
        int firstLeft = -1;
        int firstRight = -1;

        void seen(int sign, int index) {
            if (sign > 0 && firstLeft < 0) {
                firstLeft = index;
            } else if (sign < 0 && firstRight < 0) {
                firstRight = index;
            }
        }

        Group(Object representative, int count) {
            this.representative = representative;
            this.count = count;
        }
    }
}
