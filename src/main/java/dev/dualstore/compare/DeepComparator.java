package dev.dualstore.compare;

import dev.dualstore.ResultComparator;
import java.util.List;
import java.util.Objects;

/**
 * Structural equality as {@link DeepEquality} defines it (objects of classes without
 * {@code equals} field by field, lazy values never loaded left alone), with options: fields to
 * ignore, subclasses to see as their declared type, order to ignore. Get one from
 * {@link ResultComparator#deep()}; each option returns a new comparator, and this one is left as
 * it was. Immutable and threadsafe.
 *
 * <p>Each option can be set once: setting it again, or giving it nothing, null or a name that is
 * blank, malformed or listed twice, throws {@link IllegalArgumentException} (null:
 * {@link NullPointerException}) naming the option.
 *
 * <p>Example: {@code ResultComparator.deep().ignoringFields("version", "Owner.pets",
 * "[*].createdAt").ignoringFieldsOfTypes(java.time.Instant.class).comparingDeclaredTypes()}.
 */
public final class DeepComparator implements ResultComparator {

    private static final DeepComparator STANDARD = new DeepComparator(Rules.DEFAULT, false, 0);

    private static final int FIELDS = 1;
    private static final int TYPES = 2;
    private static final int DECLARED = 4;
    private static final int ORDER = 8;

    private final Rules rules;
    private final boolean unordered;
    /** The options set so far, as bits. */
    private final int set;

    private DeepComparator(Rules rules, boolean unordered, int set) {
        this.rules = rules;
        this.unordered = unordered;
        this.set = set;
    }

    /**
     * @return the comparator with no options, the same as {@link ResultComparator#deep()}
     */
    public static DeepComparator standard() {
        return STANDARD;
    }

    @Override
    public boolean equivalent(Object primary, Object secondary) {
        return unordered ? DeepEquality.equalIgnoringOrder(primary, secondary, rules)
                : Comparison.equal(primary, secondary, rules);
    }

    /** {@inheritDoc} True: a snapshot is compared as the answer it was taken of. */
    @Override
    public boolean comparesSnapshots() {
        return true;
    }

    /**
     * The answer's values now, as an immutable tree that later changes to the answer cannot reach,
     * which every {@code DeepComparator} compares as it would the answer. Objects compared by
     * fields and records become nodes of their fields' values, read by reflection (no getter,
     * accessor or constructor runs); collections, maps, optionals, arrays and {@code Date}s are
     * copied; strings, numbers, enums, {@code java.time} values and objects with their own
     * {@code equals} are kept as they are, as are lazy values never loaded (never loaded here).
     * Objects met twice stay one node, and cycles through them stay cycles; a collection met twice is copied twice. Runs on the calling thread; threadsafe.
     *
     * @param answer an answer, may be null
     * @return its snapshot; {@code answer} itself when it has no parts to freeze
     */
    public static Object snapshot(Object answer) {
        return Snapshot.of(answer);
    }

    /** Explains a mismatch with {@link Diagnosis#of(Object, Object)}, under this comparator's options. */
    @Override
    public Diagnosis diagnose(Object primary, Object secondary) {
        return Diagnosis.of(primary, secondary, rules);
    }

    /**
     * Where the answers hold lazy values that were never loaded, and so were not compared: their
     * paths as diagnoses print them ({@code [0].pets}), at most 20. When the answers differ, only
     * those met before the first difference are known.
     *
     * @param primary   what the primary returned, may be null
     * @param secondary what the secondary returned, may be null
     * @return the paths, empty when everything was compared
     */
    public List<String> notCompared(Object primary, Object secondary) {
        return Comparison.trace(primary, secondary, rules).notCompared();
    }

    /**
     * Ignores fields and record components, everywhere they are met:
     * <ul>
     *   <li>by simple name, {@code "version"}: that field in every class;
     *   <li>by {@code "Type.field"}, where {@code Type} is a capitalised simple class name:
     *       that field in that class and its subclasses, {@code "Owner.pets"};
     *   <li>by path from the answer itself, as diagnoses print it, ending in a field:
     *       {@code "[0].pet.owner"}, where {@code [*]} stands for any position, map value or set
     *       element and {@code *} for any field, {@code "[*].createdAt"}. Steps into an
     *       {@code Optional} are not part of a path.
     * </ul>
     *
     * @param fields the names and paths; at least one
     * @return a comparator that also ignores them
     */
    public DeepComparator ignoringFields(String... fields) {
        Objects.requireNonNull(fields, "ignoringFields: fields");
        require(FIELDS, "ignoringFields", fields.length);
        return new DeepComparator(rules.ignoringFields(fields), unordered, set | FIELDS);
    }

    /**
     * Ignores fields and record components of these types (declared as one of them or a
     * subtype, or holding a value of one), everywhere.
     *
     * @param types the types; at least one
     * @return a comparator that also ignores them
     */
    public DeepComparator ignoringFieldsOfTypes(Class<?>... types) {
        Objects.requireNonNull(types, "ignoringFieldsOfTypes: types");
        require(TYPES, "ignoringFieldsOfTypes", types.length);
        return new DeepComparator(rules.ignoringTypes(types), unordered, set | TYPES);
    }

    /**
     * Compares objects by the fields of their declared type, ignoring the runtime subclass: two
     * objects compared by fields, of different classes or not, are compared by the fields of the
     * field's declared type when they are the value of a field declared as a class other than
     * {@code Object}, else by those of the closest superclass they share. So a primary's
     * {@code JdbcPet extends Pet} equals a secondary's {@code Pet} with the same {@code Pet}
     * fields. Objects sharing no superclass but {@code Object} still differ.
     *
     * @return a comparator that compares declared types
     */
    public DeepComparator comparingDeclaredTypes() {
        require(DECLARED, "comparingDeclaredTypes", 1);
        return new DeepComparator(rules.comparingDeclaredTypes(), unordered, set | DECLARED);
    }

    /**
     * Compares collections and arrays as multisets, as {@link ResultComparator#unordered()} does:
     * the same elements, each as often, in any order; elements and any other answer compared as
     * this comparator compares them.
     *
     * @return a comparator that ignores the answers' order
     */
    public DeepComparator unordered() {
        require(ORDER, "unordered", 1);
        return new DeepComparator(rules, true, set | ORDER);
    }

    private void require(int option, String name, int given) {
        if ((set & option) != 0) {
            throw new IllegalArgumentException(name + " is already set on this comparator");
        }
        if (given == 0) {
            throw new IllegalArgumentException(name + " needs at least one " + (option == TYPES ? "type" : "field name"));
        }
    }

    @Override
    public String toString() {
        return "DeepComparator[" + rules + (unordered ? ", unordered" : "") + "]";
    }
}
