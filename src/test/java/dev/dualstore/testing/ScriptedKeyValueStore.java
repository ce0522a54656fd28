package dev.dualstore.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An in-memory {@link KeyValueStore} that a test scripts: it records every call with the thread
 * that made it, holds chosen calls at a {@link Gate} until the test opens it, and makes chosen
 * calls throw. Lets a test put a secondary (or the primary) exactly where it wants it in a race,
 * with latches instead of sleeps. Threadsafe.
 */
public final class ScriptedKeyValueStore implements KeyValueStore {

    /** One call the store received: {@code value} is null for reads; {@code thread} made the call. */
    public record Call(String method, String key, String value, Thread thread) {}

    private final InMemoryKeyValueStore data = new InMemoryKeyValueStore();
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, Gate> before = new ConcurrentHashMap<>();
    private final Map<String, Gate> after = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();

    /**
     * Holds calls to {@code method} for {@code key} (any key when null) before they touch the data,
     * until the gate opens.
     */
    public Gate holdBefore(String method, String key) {
        Gate gate = new Gate();
        before.put(selector(method, key), gate);
        return gate;
    }

    /**
     * Holds calls to {@code method} for {@code key} (any key when null) after they read or wrote
     * the data and before they return, until the gate opens: a read held this way returns the
     * value it saw before the gate.
     */
    public Gate holdAfter(String method, String key) {
        Gate gate = new Gate();
        after.put(selector(method, key), gate);
        return gate;
    }

    /** Makes calls to {@code method} for {@code key} (any key when null) throw {@code failure}, without touching the data. */
    public void failOn(String method, String key, RuntimeException failure) {
        failures.put(selector(method, key), failure);
    }

    /** @return every call received so far, in arrival order */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** @return the calls to {@code method} received so far, in arrival order */
    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).collect(Collectors.toList());
    }

    /** @return a copy of everything stored; see {@link InMemoryKeyValueStore#snapshot()} */
    public Map<String, Object> snapshot() {
        return data.snapshot();
    }

    @Override
    public String get(String key) {
        enter("get", key, null);
        String value = data.get(key);
        leave("get", key);
        return value;
    }

    @Override
    public List<String> history(String key) {
        enter("history", key, null);
        List<String> value = data.history(key);
        leave("history", key);
        return value;
    }

    @Override
    public void put(String key, String value) {
        enter("put", key, value);
        data.put(key, value);
        leave("put", key);
    }

    @Override
    public void append(String key, String value) {
        enter("append", key, value);
        data.append(key, value);
        leave("append", key);
    }

    private void enter(String method, String key, String value) {
        calls.add(new Call(method, key, value, Thread.currentThread()));
        pass(before, method, key);
        RuntimeException failure = lookup(failures, method, key);
        if (failure != null) {
            throw failure;
        }
    }

    private void leave(String method, String key) {
        pass(after, method, key);
    }

    private static void pass(Map<String, Gate> gates, String method, String key) {
        Gate gate = lookup(gates, method, key);
        if (gate != null) {
            gate.pass();
        }
    }

    private static <V> V lookup(Map<String, V> map, String method, String key) {
        if (map.isEmpty()) {
            return null;
        }
        V exact = map.get(selector(method, key));
        return exact != null ? exact : map.get(selector(method, null));
    }

    private static String selector(String method, String key) {
        return key == null ? method + "|*" : method + "|=" + key;
    }

    /**
     * Where held calls wait. Every call that reaches a closed gate waits (interruptibly: an
     * interrupted call throws {@link IllegalStateException}, as a store cancelled by a deadline
     * would) until {@link #open()}; calls after that pass straight through.
     */
    public static final class Gate {
        /** A safety net so a broken test fails instead of hanging the build. */
        private static final long MAX_WAIT_SECONDS = 60;

        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        /** @return whether a call reached the gate within {@code timeout} */
        public boolean awaitArrival(Duration timeout) throws InterruptedException {
            return arrived.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** @return whether a call has reached the gate */
        public boolean arrived() {
            return arrived.getCount() == 0;
        }

        /** Lets every held call, and every later one, through. */
        public void open() {
            open.countDown();
        }

        private void pass() {
            arrived.countDown();
            try {
                if (!open.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate was never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held at a gate", e);
            }
        }
    }
}
