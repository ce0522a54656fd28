package dev.dualstore;

import dev.dualstore.compare.DeepComparator;
import dev.dualstore.compare.DeepEquality;
import dev.dualstore.compare.Diagnosis;
import dev.dualstore.compare.Normalizer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Decides whether a secondary's answer matches the primary's. Set for a whole backend with
 * {@link MirroringBackend.Builder#comparator(ResultComparator)} or per method with
 * {@link MirroringBackend.Builder#comparator(String, ResultComparator)}; the default is
 * {@link #deepEquals()}.
 *
 * <p>Runs on a dispatcher thread, never the caller's; must be threadsafe. An exception it throws
 * is counted as {@code result=error}, logged, and never reaches the caller.
 *
 * <p>Only returned values reach a comparator: when either store throws, the outcomes are compared
 * by exception type.
 */
@FunctionalInterface
public interface ResultComparator {

    /**
     * @param primary   what the primary returned, may be null
     * @param secondary what the secondary returned, may be null
     * @return whether the secondary's answer counts as a match
     */
    boolean equivalent(Object primary, Object secondary);

    /**
     * Explains a mismatch this comparator found. The default diagnoses the answers with
     * {@link Diagnosis#of(Object, Object)}; comparators built with {@link #after(Normalizer)}
     * diagnose the normalised answers.
     *
     * @param primary   what the primary returned, may be null
     * @param secondary what the secondary returned, may be null
     * @return the kind and a value-free description of the difference
     */
    default Diagnosis diagnose(Object primary, Object secondary) {
        return Diagnosis.of(primary, secondary);
    }

    /**
     * Whether this comparator compares {@link DeepComparator#snapshot snapshots} of answers as it
     * would the answers, as {@code snapshotResults} needs. False by default: a comparator of your
     * own reads your types, which a snapshot replaces. {@link #deep()} and comparators built from
     * it with {@link #after(Normalizer)} do.
     *
     * @return whether it compares snapshots
     */
    default boolean comparesSnapshots() {
        return false;
    }

    /**
     * Applies {@code normalizer} to both answers, then this comparator: Twitch's comparison
     * preprocessors, for example timestamps moved to UTC.
     *
     * @param normalizer what to apply to both answers first
     * @return the composed comparator
     */
    default ResultComparator after(Normalizer normalizer) {
        Objects.requireNonNull(normalizer, "normalizer");
        ResultComparator self = this;
        return new ResultComparator() {
            @Override
            public boolean equivalent(Object primary, Object secondary) {
                return self.equivalent(normalizer.normalize(primary), normalizer.normalize(secondary));
            }

            @Override
            public Diagnosis diagnose(Object primary, Object secondary) {
                return self.diagnose(normalizer.normalize(primary), normalizer.normalize(secondary));
            }

            @Override
            public boolean comparesSnapshots() {
                return self.comparesSnapshots();
            }

            @Override
            public String toString() {
                return "(" + self + ").after(a normalizer)";
            }
        };
    }

    /**
     * Structural equality: arrays by content, collections, maps, {@code Optional}s and records
     * compared deeply, objects of classes that do not override {@code equals} field by field,
     * lazy values never loaded left alone. See {@link DeepEquality}.
     *
     * @return the default comparator
     */
    static ResultComparator deepEquals() {
        return DeepComparator.standard();
    }

    /**
     * Structural equality as {@link #deepEquals()}, with options to add: fields ignored by name,
     * {@code Type.field}, path or type, subclasses compared as their declared type, order
     * ignored. For example {@code ResultComparator.deep().ignoringFields("version", "[*].createdAt")}.
     *
     * @return the comparator with no options yet
     */
    static DeepComparator deep() {
        return DeepComparator.standard();
    }

    /**
     * Collections and arrays compared as multisets: the same elements, each as often, in any
     * order; for a store that returns rows in another order. Elements, and any other answer, are
     * compared with {@link #deepEquals()}.
     *
     * @return the comparator
     */
    static ResultComparator unordered() {
        return DeepComparator.standard().unordered();
    }

    /**
     * Structural equality ignoring the named fields, record components and map entries
     * everywhere in the answers: {@link DeepComparator#ignoringFields(String...) deep().ignoringFields(names)},
     * after {@link Normalizer#ignoringFields(String...)} has dropped the map entries and record
     * components of the simple names among them.
     *
     * @param names the field names (or {@code Type.field}s, or paths) the stores may disagree on
     * @return the comparator
     */
    static ResultComparator ignoringFields(String... names) {
        DeepComparator ignoring = deep().ignoringFields(names);
        String[] simple = Arrays.stream(names).filter(n -> n.chars().allMatch(Character::isJavaIdentifierPart))
                .toArray(String[]::new);
        return simple.length == 0 ? ignoring : ignoring.after(Normalizer.ignoringFields(simple));
    }

    /**
     * Structural equality after {@code normalizer}; shorthand for
     * {@code deepEquals().after(normalizer)}.
     *
     * @param normalizer what to apply to both answers first
     * @return the comparator
     */
    static ResultComparator normalizing(Normalizer normalizer) {
        return deepEquals().after(normalizer);
    }

    /**
     * A comparator for answers of one type, for a lambda that needs no casts. Answers of another
     * type (or null) are compared with {@link #deepEquals()}.
     *
     * @param type      the answers' type
     * @param predicate whether the secondary's answer matches the primary's
     * @param <T>       the answers' type
     * @return the comparator
     */
    static <T> ResultComparator of(Class<T> type, BiPredicate<? super T, ? super T> predicate) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(predicate, "predicate");
        return (p, s) -> type.isInstance(p) && type.isInstance(s)
                ? predicate.test(type.cast(p), type.cast(s))
                : DeepEquality.equal(p, s);
    }
}
