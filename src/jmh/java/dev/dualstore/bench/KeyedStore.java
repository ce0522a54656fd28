package dev.dualstore.bench;

import dev.dualstore.Key;

/**
 * The DAO interface of the keyed benchmarks: the same two methods with a {@link Key} parameter,
 * so shadow writes are ordered per key and keyed reads are guarded against racing writes.
 */
public interface KeyedStore {

    String get(@Key String key);

    void put(@Key String key, String value);
}
