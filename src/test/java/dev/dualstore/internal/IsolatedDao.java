package dev.dualstore.internal;

/** A DAO that {@link ProxyPackagesTest} loads in a class loader of its own, as a restarting dev tool would. */
public interface IsolatedDao {
    String load();

    default String describe() {
        return "[" + load() + "]";
    }
}
