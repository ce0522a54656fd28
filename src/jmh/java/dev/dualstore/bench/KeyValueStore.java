package dev.dualstore.bench;

/** The DAO interface the read benchmarks wrap: no key annotation, classified by the builder. */
public interface KeyValueStore {

    String get(String key);

    void put(String key, String value);
}
