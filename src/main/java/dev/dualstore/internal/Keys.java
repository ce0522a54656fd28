package dev.dualstore.internal;

/** How a call's key is spread over fences, lanes and samples. Stateless. */
final class Keys {
    private Keys() {}

    /**
     * A key's hash, computed once per call for its fence, its lane and its sample. Equal in every
     * JVM of a fleet, so one user is in or out on every instance: an enum's own hash is its
     * identity, so it is hashed by name.
     *
     * @throws RuntimeException or Error if the key's {@code hashCode} throws
     */
    static int hash(Object key) {
        return mix(key instanceof Enum<?> e ? e.name().hashCode() : key.hashCode());
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
