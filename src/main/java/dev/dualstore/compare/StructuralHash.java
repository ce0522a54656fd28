package dev.dualstore.compare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
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
 *
 * <p>A lazy value never loaded equals any value (see {@link Comparison}), so whatever may be one
 * must hash alike whatever it holds. Below the value hashed, an object compared by fields, an
 * unloaded value, or a leaf that is not {@link Shape#isPlain plain} (which could be a proxy of
 * an entity with its own {@code equals}) counts only as present; the value hashed itself, when
 * it is compared by fields, counts by those of its fields that hold plain leaves, the others
 * only by being null or not (any of them could be unloaded on the other side). An unloaded value hashed
 * itself hashes to 0; multisets match such elements as wildcards, not by hash. Members the
 * {@link Rules} may ignore never count, and when declared types are compared, neither does the
 * class nor any field below its topmost superclass.
 */
final class StructuralHash {

    /** How many levels of a value the hash looks into. */
    static final int LEVELS = 16;

    private final Rules rules;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    /** Container -> Long (levels << 32 | hash), or long[] by levels (hash | 1L << 32 when known). */
    private IdentityHashMap<Object, Object> known;

    StructuralHash(Rules rules) {
        this.rules = rules;
    }

    /**
     * @param value a value, may be null
     * @return its hash, consistent with {@link Comparison#equal}
     */
    int hash(Object value) {
        value = Lazy.unwrap(value);
        Shape shape = Shape.of(value);
        if (shape == Shape.LEAF) {
            return Objects.hashCode(value);
        }
        if (shape == Shape.UNLOADED) {
            return 0;
        }
        if (shape == Shape.FIELDS) {
            return fieldsHash(value);
        }
        if (Shape.isPrimitiveArray(value)) {
            return PrimitiveArrays.hash(value);
        }
        Integer remembered = recall(value, LEVELS);
        if (remembered != null) {
            return remembered;
        }
        stack.push(new Frame(value, shape, LEVELS, parts(value, shape)));
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
            visit(top, Lazy.unwrap(top.nextPart()));
        }
        return result;
    }

    /** Combines a part's hash into its container's, or pushes a frame to hash the part first. */
    private void visit(Frame top, Object part) {
        Shape partShape = Shape.of(part);
        if (partShape == Shape.LEAF) {
            top.combine(Shape.isPlain(part) ? Objects.hashCode(part) : 1);
            return;
        }
        if (partShape == Shape.FIELDS || partShape == Shape.UNLOADED) {
            top.combine(1);
            return;
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
                stack.push(new Frame(part, partShape, levels, parts(part, partShape)));
            }
        }
    }

    /** The hash of an object compared by fields; see the class comment. */
    private int fieldsHash(Object value) {
        Class<?> type = Shape.typeOf(value);
        if (rules.declaredTypes) {
            while (type.getSuperclass() != Object.class) {
                type = type.getSuperclass();
            }
        }
        Members members = Members.of(type);
        boolean[] ignored = rules.ignored(Shape.typeOf(value));
        Members own = Members.of(Shape.typeOf(value));
        int hash = rules.declaredTypes ? 0 : type.hashCode();
        // A superclass's fields come first in its subclasses' members, so index i is the same field.
        for (int i = 0; i < members.size(); i++) {
            if (ignored[i] || rules.mayIgnoreByPath(own.names[i])) {
                continue;
            }
            Object field = own.read(value, i);
            if (rules.ignoresValue(field)) {
                continue;
            }
            hash = 31 * hash + (field == null ? 0 : Shape.isPlain(field) && Shape.of(field) == Shape.LEAF ? field.hashCode() : 1);
        }
        return hash;
    }

    /** The parts to hash: a record's without those the rules may ignore. */
    private Iterator<?> parts(Object value, Shape shape) {
        if (shape != Shape.RECORD || !rules.ignoresAny()) {
            return shape.parts(value);
        }
        Members members = Members.of(Shape.typeOf(value));
        boolean[] ignored = rules.ignored(Shape.typeOf(value));
        List<Object> kept = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            if (!ignored[i] && !rules.mayIgnoreByPath(members.names[i])) {
                Object component = members.read(value, i);
                if (!rules.ignoresValue(component)) {
                    kept.add(component);
                }
            }
        }
        return kept.iterator();
    }

    /** The hash of a container seen no deeper: only what equal values certainly share. */
    private static int shapeHash(Object value, Shape shape) {
        return switch (shape) {
            case RECORD -> Shape.typeOf(value).hashCode();
            case FIELDS, UNLOADED -> 1;
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

        Frame(Object value, Shape shape, int levels, Iterator<?> parts) {
            this.value = value;
            this.shape = shape;
            this.levels = levels;
            this.parts = parts;
            this.hash = switch (shape) {
                case ARRAY, LIST, SEQUENCE -> 1;
                case RECORD -> Shape.typeOf(value).hashCode();
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
