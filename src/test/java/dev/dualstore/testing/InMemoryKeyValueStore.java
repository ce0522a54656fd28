package dev.dualstore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A threadsafe in-memory {@link KeyValueStore}. */
public class InMemoryKeyValueStore implements KeyValueStore {
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, List<String>> histories = new ConcurrentHashMap<>();

    @Override
    public String get(String key) {
        return values.get(key);
    }

    @Override
    public List<String> history(String key) {
        List<String> h = histories.get(key);
        if (h == null) {
            return List.of();
        }
        synchronized (h) {
            return List.copyOf(h);
        }
    }

    @Override
    public void put(String key, String value) {
        values.put(key, value);
    }

    @Override
    public void append(String key, String value) {
        List<String> h = histories.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (h) {
            h.add(value);
        }
    }

    /** A copy of everything stored, for final-state comparisons. */
    public Map<String, Object> snapshot() {
        Map<String, Object> all = new java.util.TreeMap<>();
        values.forEach((k, v) -> all.put("value:" + k, v));
        histories.keySet().forEach(k -> all.put("history:" + k, history(k)));
        return all;
    }
}
