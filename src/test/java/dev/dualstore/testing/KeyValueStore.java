package dev.dualstore.testing;

import dev.dualstore.Key;
import dev.dualstore.Read;
import dev.dualstore.Write;
import java.util.List;

/** A small keyed DAO used across the tests: puts, an order-sensitive append, and reads. */
public interface KeyValueStore {
    @Read
    String get(@Key String key);

    /** Everything appended to the key, in order. */
    @Read
    List<String> history(@Key String key);

    @Write
    void put(@Key String key, String value);

    /** Order-sensitive: two appends applied in another order leave another history. */
    @Write
    void append(@Key String key, String value);
}
