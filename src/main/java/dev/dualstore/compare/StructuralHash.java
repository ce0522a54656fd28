package dev.dualstore.compare;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Hash codes consistent with {@link Comparison}: values it finds equal hash alike, cyclic ones
 * included. Not threadsafe: one instance per comparison, which may reuse it for many values.
 *
 * <p>A value is hashed as the tree it unfolds to, cut {@link #LEVELS} levels down: below that a
 * container counts only by its shape and size. Cutting by depth rather than skipping a container
 * already on the path keeps the hash consistent with equality on cycles: {@code a = [a]} and
 * {@code b = [[b]]} are equal (both unfold to the same endless nesting), yet skipping repeats
 * would hash one level of {@code a} against two of {@code b}. The hash of each container at each
 * depth is remembered by identity, so shared parts and cycles cost time linear in the size of the
 * graph times {@link #LEVELS}, and a deep chain costs {@link #LEVELS} steps. The work is on an
 * explicit stack, never the thread's.
 */
final class StructuralHash {

    /** How many levels of a value the hash looks into. */
    static final int LEVELS = 16;

    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    /** Container -> Long (levels << 32 | hash), or long[] by levels (hash | 1L << 32 when known). */
    private IdentityHashMap<Object, Object> known;

    /**
     * @param value a value, may be null
     * @return its hash, consistent with {@link Comparison#equal}
     */
    int hash(Object value) {
        Shape shape = Shape.of(value);
        if (shape == Shape.LEAF) {
            return Objects.hashCode(value);
        }
        if (Shape.isPrimitiveArray(value)) {
            return PrimitiveArrays.hash(value);
        }
        Integer remembered = recall(value, LEVELS);
        if (remembered != null) {
            return remembered;
        }
        stack.push(new Frame(value, shape, LEVELS));
        int result = 0;
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (!top.parts.hasNext()) {
                stack.pop();
                result = top.hash;
                if (top.hasContainerPart) {
                    // Containers of leaves only are cheap to hash again; remember the others.
                    remember(top.value, top.levels, result);
                }
                if (!stack.isEmpty()) {
                    stack.peek().combine(result);
                }
                continue;
            }
            Object part = top.nextPart();
            Shape partShape = Shape.of(part);
            if (partShape == Shape.LEAF) {
                top.combine(Objects.hashCode(part));
                continue;
            }
            top.hasContainerPart = true;
            int levels = top.levels - 1;
            if (levels == 0) {
                top.combine(shapeHash(part, partShape));
            } else if (Shape.isPrimitiveArray(part)) {
                top.combine(PrimitiveArrays.hash(part));
            } else {
                Integer partHash = recall(part, levels);
                if (partHash != null) {
                    top.combine(partHash);
                } else {
                    stack.push(new Frame(part, partShape, levels));
                }
            }
        }
        return result;
    }

    /** The hash of a container seen no deeper: only what equal values certainly share. */
    private static int shapeHash(Object value, Shape shape) {
        return switch (shape) {
            case RECORD -> value.getClass().hashCode();
            // Equal containers have equal sizes; an empty Optional has size 0, a present one 1.
            default -> shape.size(value);
        };
    }

    private Integer recall(Object container, int levels) {
        Object entry = known == null ? null : known.get(container);
        if (entry instanceof Long packed) {
            return (int) (packed >>> 32) == levels ? (int) packed.longValue() : null;
        }
        if (entry instanceof long[] byLevels && byLevels[levels] != 0) {
            return (int) byLevels[levels];
        }
        return null;
    }

    private void remember(Object container, int levels, int hash) {
        if (known == null) {
            known = new IdentityHashMap<>();
        }
        Object entry = known.get(container);
        if (entry == null) {
            // Most containers are reached at one depth only: one boxed long each.
            known.put(container, (long) levels << 32 | (hash & 0xFFFF_FFFFL));
            return;
        }
        long[] byLevels;
        if (entry instanceof Long packed) {
            byLevels = new long[LEVELS + 1];
            byLevels[(int) (packed >>> 32)] = packed & 0xFFFF_FFFFL | 1L << 32;
            known.put(container, byLevels);
        } else {
            byLevels = (long[]) entry;
        }
        byLevels[levels] = hash & 0xFFFF_FFFFL | 1L << 32;
    }

    /** A container being hashed: its parts left to visit and the hash of those visited. */
    private static final class Frame {
        final Object value;
        final Shape shape;
        final int levels;
        final Iterator<?> parts;
        int hash;
        boolean hasContainerPart;
        /** For a map, the hash of the key whose value is being hashed. */
        private int keyHash;

        Frame(Object value, Shape shape, int levels) {
            this.value = value;
            this.shape = shape;
            this.levels = levels;
            this.parts = shape.parts(value);
            this.hash = switch (shape) {
                case ARRAY, LIST, SEQUENCE -> 1;
                case RECORD -> value.getClass().hashCode();
                default -> 0;
            };
        }

        Object nextPart() {
            Object part = parts.next();
            if (shape == Shape.MAP) {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) part;
                keyHash = Objects.hashCode(entry.getKey());
                return entry.getValue();
            }
            return part;
        }

        void combine(int partHash) {
            hash = switch (shape) {
                case SET -> hash + partHash;
                case MAP -> hash + (keyHash ^ partHash);
                case OPTIONAL -> partHash;
                default -> 31 * hash + partHash;
            };
        }
    }
}
