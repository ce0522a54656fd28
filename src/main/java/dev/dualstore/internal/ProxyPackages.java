package dev.dualstore.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodHandles.Lookup;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where a proxy class is defined. In the interface's own package when its module opens it to
 * dualstore (every package on the class path is open): there the class may implement a non-public
 * interface and is defined by the interface's class loader (if dualstore is in another module or
 * class loader, one package-private class, {@code Dualstore$$Lookup}, is added to the package once
 * to make that possible). Otherwise in dualstore's own package,
 * which the JVM allows only if every class the proxy class names is public, exported to dualstore
 * and visible from dualstore's class loader; if one is not, the interface is refused with the line
 * of module-info.java that fixes it. Stateless and threadsafe.
 */
final class ProxyPackages {
    private static final String MODULE = "dev.dualstore";
    /** The class, one per package, that hands dualstore a full-privilege lookup there. */
    private static final String LOOKUP_CLASS = "Dualstore$$Lookup";

    private ProxyPackages() {}

    /**
     * A full-privilege lookup in the package the proxy class of {@code type} goes in.
     *
     * @param named every class the proxy class's code names
     * @throws IllegalArgumentException if neither package can hold it
     */
    static Lookup definingLookup(Class<?> type, Set<Class<?>> named) {
        addReads(named);
        Lookup inPackage = lookupInPackageOf(type);
        if (inPackage == null) {
            requireAccessibleToDualstore(type, named);
            return MethodHandles.lookup();
        }
        // Private access from another module (or another class loader's unnamed module) lacks the
        // module access that defining a hidden class takes; a class in that package has it.
        return inPackage.hasFullPrivilegeAccess() ? inPackage : lookupOfAClassIn(inPackage);
    }

    /** Checks what {@link #definingLookup} checks, without defining anything. */
    static void requireAccessible(Class<?> type, Set<Class<?>> named) {
        addReads(named);
        if (lookupInPackageOf(type) == null) {
            requireAccessibleToDualstore(type, named);
        }
    }

    /** The internal name of a class in the lookup's package, named after {@code type}. */
    static String classNameIn(Lookup lookup, Class<?> type, String suffix) {
        return packagePrefix(lookup) + type.getName().substring(type.getName().lastIndexOf('.') + 1) + suffix;
    }

    /** Private access to the interface's package, or null if its module does not open it to dualstore. */
    private static Lookup lookupInPackageOf(Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /**
     * Linking code in dualstore's module to a class takes readability of its module, which
     * reflection alone does not need; privateLookupIn needs it as well.
     */
    private static void addReads(Set<Class<?>> named) {
        Module dualstore = ProxyPackages.class.getModule();
        for (Class<?> c : named) {
            dualstore.addReads(c.getModule());
        }
    }

    /**
     * The lookup of a package-private class in {@code inPackage}'s package, defined there on
     * first use: it has full privilege, as the hidden class needs. Only code with access to the
     * package, which could define such a class itself, can call its {@code lookup()}.
     */
    private static Lookup lookupOfAClassIn(Lookup inPackage) {
        String name = packagePrefix(inPackage) + LOOKUP_CLASS;
        String binaryName = name.replace('/', '.');
        try {
            Class<?> lookupClass;
            try {
                lookupClass = inPackage.findClass(binaryName);
            } catch (ClassNotFoundException absent) {
                lookupClass = define(inPackage, name, binaryName);
            }
            return (Lookup) inPackage.findStatic(lookupClass, ProxyClassBytes.LOOKUP, MethodType.methodType(Lookup.class))
                    .invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot get a lookup in the package of " + inPackage.lookupClass().getName(), e);
        }
    }

    private static Class<?> define(Lookup inPackage, String name, String binaryName) throws IllegalAccessException {
        try {
            return inPackage.defineClass(ProxyClassBytes.lookupClass(name));
        } catch (LinkageError e) {
            try {
                // Another thread defined it between our look and our definition.
                return inPackage.findClass(binaryName);
            } catch (ClassNotFoundException notRaced) {
                throw e;
            }
        }
    }

    private static void requireAccessibleToDualstore(Class<?> type, Set<Class<?>> named) {
        Set<String> problems = new LinkedHashSet<>();
        for (Class<?> c : named) {
            Class<?> element = c;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (!element.isPrimitive()) {
                String problem = problem(type, element);
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(MODULE + " cannot implement " + type.getName() + ": "
                    + String.join("; ", problems));
        }
    }

    /** Why code in dualstore's package cannot name {@code c}, and the fix; null if it can. */
    private static String problem(Class<?> type, Class<?> c) {
        // Opening the interface's package lets the proxy class live there, where all it names is accessible.
        String open = "add `opens " + type.getPackageName() + " to " + MODULE + ";` to the module-info.java of "
                + moduleName(type);
        if (!Modifier.isPublic(c.getModifiers())) {
            return c.getName() + " is not public and " + moduleName(type) + " does not open " + type.getPackageName()
                    + " to " + MODULE + ": " + open;
        }
        try {
            MethodHandles.lookup().accessClass(c);
        } catch (IllegalAccessException e) {
            return moduleName(c) + " does not export " + c.getPackageName() + " to " + MODULE + ": add `exports "
                    + c.getPackageName() + " to " + MODULE + ";` to the module-info.java of " + moduleName(c);
        }
        if (!visibleToDualstore(c)) {
            return c.getName() + " is in a class loader that " + MODULE + "'s cannot see: " + open;
        }
        return null;
    }

    private static boolean visibleToDualstore(Class<?> c) {
        try {
            return Class.forName(c.getName(), false, ProxyPackages.class.getClassLoader()) == c;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String moduleName(Class<?> c) {
        return c.getModule().isNamed() ? "module " + c.getModule().getName() : "the unnamed module";
    }

    private static String packagePrefix(Lookup lookup) {
        String packageName = lookup.lookupClass().getPackageName();
        return packageName.isEmpty() ? "" : packageName.replace('.', '/') + '/';
    }
}
