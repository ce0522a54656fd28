package dev.dualstore.bench;

import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory store over a {@link ConcurrentHashMap}, optionally sleeping a fixed number of
 * milliseconds before each call to stand in for a slower datastore. Thread-safe.
 */
public final class MapStore implements KeyValueStore, KeyedStore {

    private final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
    private final long delayMillis;

    public MapStore(long delayMillis) {
        this.delayMillis = delayMillis;
    }

    /** A store holding the given keys and values, with no delay. */
    public static MapStore fast(String[] keys, String[] values) {
        return withData(0, keys, values);
    }

    /** A store holding the given keys and values, sleeping {@code delayMillis} per call. */
    public static MapStore withData(long delayMillis, String[] keys, String[] values) {
        MapStore store = new MapStore(delayMillis);
        for (int i = 0; i < keys.length; i++) {
            store.map.put(keys[i], values[i]);
        }
        return store;
    }

    @Override
    public String get(String key) {
        pause();
        return map.get(key);
    }

    @Override
    public void put(String key, String value) {
        pause();
        map.put(key, value);
    }

    private void pause() {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                // A cancelled (timed-out) secondary call: stop waiting, keep the flag for the owner.
                Thread.currentThread().interrupt();
            }
        }
    }
}
