package dev.dualstore.compare;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * The named parts of a record or of an object compared field by field, worked out once per class
 * (in a {@link ClassValue}) and shared: names, declared types, the classes that declare them,
 * and how to read them. Threadsafe.
 *
 * <p>An object is compared field by field when its class is none of the JDK's, is not a record,
 * an array, a collection, a map or an {@code Optional}, and does not override
 * {@link Object#equals} (the public {@code equals(Object)} it has is {@code Object}'s own). Its
 * fields are every instance field of the class and of its superclasses, {@code transient} ones
 * included as in AssertJ's recursive comparison, static and synthetic ones (such as an inner
 * class's reference to its outer instance) and those Hibernate's bytecode enhancement adds
 * ({@code $$_hibernate_*}) excluded; superclass fields come first. When one of
 * them cannot be made accessible (a package of a named module not open to dualstore), the class
 * is compared with {@code equals} after all, and {@link #unreadable} says why.
 */
final class Members {

    private static final ClassValue<Members> MEMBERS = new ClassValue<>() {
        @Override
        protected Members computeValue(Class<?> type) {
            return type.isRecord() ? ofRecord(type) : ofFields(type);
        }
    };

    /**
     * The prefix of the fields Hibernate's bytecode enhancement adds to an entity: they point
     * into the session (its entity entries, its interceptor), not at data.
     */
    private static final String HIBERNATE_STATE = "$$_hibernate_";

    /** A class compared with equals: no members. */
    private static final Members NONE = new Members(new String[0], new Class<?>[0], new Class<?>[0], null, null, null);

    final String[] names;
    /** The names as path steps: {@code ".owner"}. */
    final String[] labels;
    final Class<?>[] types;
    final Class<?>[] declaring;
    private final Field[] fields;
    private final RecordComponent[] components;
    /** Why a class that would be compared by fields is compared with equals, or null. */
    final String unreadable;

    private Members(String[] names, Class<?>[] types, Class<?>[] declaring, Field[] fields,
            RecordComponent[] components, String unreadable) {
        this.names = names;
        this.labels = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            labels[i] = "." + names[i];
        }
        this.types = types;
        this.declaring = declaring;
        this.fields = fields;
        this.components = components;
        this.unreadable = unreadable;
    }

    /** The members of a record class or of a class compared by fields; none for other classes. */
    static Members of(Class<?> type) {
        return MEMBERS.get(type);
    }

    /** Why instances of {@code type} are compared with equals though it does not override it, or null. */
    static String unreadable(Class<?> type) {
        return MEMBERS.get(type).unreadable;
    }

    /** Whether instances of {@code type} are compared field by field. */
    boolean byFields() {
        return fields != null;
    }

    int size() {
        return names.length;
    }

    /** The fields of a class compared by fields, made accessible, in member order; null for a record or a class compared with equals. */
    Field[] fields() {
        return fields;
    }

    /** The value of member {@code i} of {@code value}, an instance of this class or a subclass. */
    Object read(Object value, int i) {
        if (value instanceof Snapshot.Node node) {
            return node.values[i]; // a superclass's members come first, so its indexes hold in a subclass's node
        }
        if (components != null) {
            return Records.component(value, components[i]);
        }
        try {
            return fields[i].get(value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read field " + names[i] + " of " + value.getClass().getName(), e);
        }
    }

    private static Members ofRecord(Class<?> type) {
        RecordComponent[] components = Records.components(type);
        Class<?>[] types = new Class<?>[components.length];
        Class<?>[] declaring = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            declaring[i] = type;
        }
        return new Members(Records.names(type), types, declaring, null, components, null);
    }

    private static Members ofFields(Class<?> type) {
        if (!comparedByFields(type)) {
            return NONE;
        }
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.getName().startsWith(HIBERNATE_STATE)) {
                    continue;
                }
                if (!f.trySetAccessible()) {
                    return new Members(NONE.names, NONE.types, NONE.declaring, null, null,
                            "compared with equals: field " + f.getName() + " of " + c.getName()
                                    + " is not open to dev.dualstore (opens " + c.getPackageName() + " to dev.dualstore)");
                }
                fields.add(f);
            }
        }
        int n = fields.size();
        String[] names = new String[n];
        Class<?>[] types = new Class<?>[n];
        Class<?>[] declaring = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            Field f = fields.get(i);
            names[i] = f.getName();
            types[i] = f.getType();
            declaring[i] = f.getDeclaringClass();
        }
        return new Members(names, types, declaring, fields.toArray(new Field[0]), null, null);
    }

    /** The classes the rule in the class comment compares by fields, readable or not. */
    private static boolean comparedByFields(Class<?> type) {
        if (type.isArray() || type.isPrimitive() || type.isInterface() || type.isEnum() || type.isRecord()
                || type.isHidden() || type.isSynthetic() || isJdk(type)) {
            return false;
        }
        if (java.util.Collection.class.isAssignableFrom(type) || java.util.Map.class.isAssignableFrom(type)) {
            return false;
        }
        try {
            return type.getMethod("equals", Object.class).getDeclaringClass() == Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Classes of the boot and platform loaders: the JDK's, compared with their own equals. */
    static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }
}
