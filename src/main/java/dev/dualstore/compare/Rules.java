package dev.dualstore.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link DeepComparator} was told: fields ignored by name, by {@code Type.field}, by path
 * or by type, and whether objects are compared by the fields of their declared type. Immutable
 * and threadsafe; what it works out per class is cached in a {@link ClassValue} of its own.
 *
 * <p>Paths are written as diagnoses print them, from the answer itself: {@code [0]} a position
 * (or {@code [*]} any position, map value or set element), {@code .name} a field or record
 * component ({@code *} any), the first name without its dot: {@code [*].pet.owner}. Steps into an
 * {@code Optional} are left out of paths.
 */
final class Rules {

    static final Rules DEFAULT = new Rules(Set.of(), Map.of(), new String[0][], new Class<?>[0], false);

    private static final Pattern NAME = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*");
    private static final Pattern TYPE_FIELD = Pattern.compile("(\\p{Lu}[\\p{javaJavaIdentifierPart}]*)\\.("
            + NAME.pattern() + ")");
    private static final Pattern STEP = Pattern.compile("\\[(\\*|\\d+)]|(?:^|\\.)(" + NAME.pattern() + "|\\*)");

    /** Simple field names ignored in every class. */
    private final Set<String> names;
    /** Simple class name -> field names ignored in that class and its subclasses. */
    private final Map<String, Set<String>> typeFields;
    /** Paths ignored, as labels: ".pet", "[0]", "[*]", ".*". */
    private final String[][] paths;
    private final Class<?>[] types;
    final boolean declaredTypes;
    private final ClassValue<boolean[]> ignoredByClass = new ClassValue<>() {
        @Override
        protected boolean[] computeValue(Class<?> type) {
            return ignoredMembers(type);
        }
    };

    private Rules(Set<String> names, Map<String, Set<String>> typeFields, String[][] paths, Class<?>[] types,
            boolean declaredTypes) {
        this.names = names;
        this.typeFields = typeFields;
        this.paths = paths;
        this.types = types;
        this.declaredTypes = declaredTypes;
    }

    /** These rules and the fields named, as {@code name}, {@code Type.name} or a path. */
    Rules ignoringFields(String... fields) {
        Set<String> byName = new HashSet<>();
        Map<String, Set<String>> byType = new HashMap<>();
        List<String[]> byPath = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String field : fields) {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("ignoringFields: a field name is " + (field == null ? "null" : "blank"));
            }
            if (!seen.add(field)) {
                throw new IllegalArgumentException("ignoringFields: '" + field + "' is listed twice");
            }
            Matcher typeField = TYPE_FIELD.matcher(field);
            if (NAME.matcher(field).matches()) {
                byName.add(field);
            } else if (typeField.matches()) {
                byType.computeIfAbsent(typeField.group(1), t -> new HashSet<>()).add(typeField.group(2));
            } else {
                byPath.add(parsePath(field));
            }
        }
        return new Rules(Set.copyOf(byName), Map.copyOf(byType), byPath.toArray(new String[0][]), types, declaredTypes);
    }

    Rules ignoringTypes(Class<?>... ignored) {
        for (Class<?> type : ignored) {
            Objects.requireNonNull(type, "ignoringFieldsOfTypes: a type is null");
        }
        if (new HashSet<>(Arrays.asList(ignored)).size() != ignored.length) {
            throw new IllegalArgumentException("ignoringFieldsOfTypes: a type is listed twice");
        }
        return new Rules(names, typeFields, paths, ignored.clone(), declaredTypes);
    }

    Rules comparingDeclaredTypes() {
        return new Rules(names, typeFields, paths, types, true);
    }

    private static String[] parsePath(String path) {
        List<String> steps = new ArrayList<>();
        Matcher m = STEP.matcher(path);
        int at = 0;
        while (at < path.length() && m.find(at) && m.start() == at) {
            steps.add(m.group(1) != null ? "[" + m.group(1) + "]" : "." + m.group(2));
            at = m.end();
        }
        if (at != path.length() || steps.isEmpty() || path.startsWith(".") || !steps.get(steps.size() - 1).startsWith(".")) {
            throw new IllegalArgumentException("ignoringFields: '" + path + "' is not a field name, a Type.field"
                    + " or a path ending in a field, such as [*].pet.owner");
        }
        return steps.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ members

    /**
     * Which members of {@code type} (see {@link Members}) are ignored wherever they are met:
     * by name, by {@code Type.field} (the type any class from {@code type} up to the one
     * declaring the field), or by declared type. Shared: callers must not modify it.
     */
    boolean[] ignored(Class<?> type) {
        return ignoredByClass.get(type);
    }

    private boolean[] ignoredMembers(Class<?> type) {
        Members members = Members.of(type);
        boolean[] ignored = new boolean[members.size()];
        for (int i = 0; i < ignored.length; i++) {
            ignored[i] = names.contains(members.names[i]) || ignoredInType(type, members.declaring[i], members.names[i])
                    || ofIgnoredType(members.types[i]);
        }
        return ignored;
    }

    private boolean ignoredInType(Class<?> type, Class<?> declaring, String name) {
        if (typeFields.isEmpty()) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Set<String> fields = typeFields.get(c.getSimpleName());
            if (fields != null && fields.contains(name)) {
                return true;
            }
            if (c == declaring) {
                return false;
            }
        }
        return false;
    }

    private boolean ofIgnoredType(Class<?> declared) {
        for (Class<?> t : types) {
            if (t.isAssignableFrom(declared)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a member's value is of an ignored type (for members declared as a supertype). */
    boolean ignoresValue(Object value) {
        if (value == null || types.length == 0) {
            return false;
        }
        Class<?> type = Lazy.shownClass(Shape.typeOf(value));
        for (Class<?> t : types) {
            if (t.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The class whose members are compared for two objects compared by fields, or null when they
     * are not compared part by part: their own class when they share it, else (only when
     * comparing declared types) the field's declared type if it is a class other than
     * {@code Object}, else the closest superclass they share, if that is compared by fields.
     */
    Class<?> comparedClass(Object x, Object y, Class<?> declared) {
        Class<?> a = Shape.typeOf(x);
        Class<?> b = Shape.typeOf(y);
        if (!declaredTypes) {
            return a == b ? a : null;
        }
        Class<?> common = a;
        while (!common.isAssignableFrom(b)) {
            common = common.getSuperclass();
        }
        if (declared != null && declared != Object.class && !declared.isInterface() && declared.isAssignableFrom(common)) {
            common = declared;
        }
        return common != Object.class && Members.of(common).byFields() ? common : null;
    }

    // ------------------------------------------------------------------ paths

    /** The path state of the answer itself, or null when no path is ignored. */
    int[] rootPaths() {
        return paths.length == 0 ? null : new int[paths.length];
    }

    /**
     * The path state one step below a part labelled {@code label} of a frame in state
     * {@code state}: how many steps of each path match so far (-1: no longer matches), or null
     * when no path can match any more.
     */
    int[] advance(int[] state, String label) {
        if (state == null || label.equals(".get()")) {
            return state;
        }
        int[] next = new int[state.length];
        boolean alive = false;
        for (int i = 0; i < state.length; i++) {
            int done = state[i];
            String[] path = paths[i];
            if (done >= 0 && done < path.length - 1 && matches(path[done], label)) {
                next[i] = done + 1;
                alive = true;
            } else {
                next[i] = -1;
            }
        }
        return alive ? next : null;
    }

    /** Whether the member {@code name} of a frame in path state {@code state} is ignored by path. */
    boolean ignoredAt(int[] state, String name) {
        if (state == null) {
            return false;
        }
        for (int i = 0; i < state.length; i++) {
            String[] path = paths[i];
            if (state[i] == path.length - 1 && matches(path[path.length - 1], "." + name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String step, String label) {
        if (step.equals(label)) {
            return true;
        }
        if (step.equals("[*]")) {
            return label.startsWith("[") || label.equals("{}");
        }
        return step.equals(".*") && label.startsWith(".");
    }

    /**
     * Whether a member named {@code name} may be ignored by some path somewhere: the hash, which
     * knows no paths, leaves such members out so that it stays consistent with equality.
     */
    boolean mayIgnoreByPath(String name) {
        for (String[] path : paths) {
            String last = path[path.length - 1];
            if (last.equals(".*") || last.equals("." + name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ignoring names ").append(names).append(", in types ").append(typeFields)
                .append(", paths [");
        for (int i = 0; i < paths.length; i++) {
            b.append(i == 0 ? "" : ", ").append(Where.steps(Arrays.asList(paths[i])));
        }
        return b.append("], types ").append(Arrays.toString(types)).append(declaredTypes ? ", declared types" : "").toString();
    }

    /** Whether anything is ignored at all. */
    boolean ignoresAny() {
        return !names.isEmpty() || !typeFields.isEmpty() || paths.length > 0 || types.length > 0;
    }
}
