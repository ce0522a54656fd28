package dev.dualstore.fleet;

import dev.dualstore.MirroringBackend;
import dev.dualstore.jdbc.JdbcMigrationControl;
import dev.dualstore.spi.ControlState;
import dev.dualstore.testing.DriverDataSource;
import dev.dualstore.testing.PooledDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * One instance of a service in a JVM of its own, for {@link FleetProcessesTest}: a backend over
 * {@code items_old} (primary until the plan says otherwise) and {@code items_new}, following
 * {@code JdbcMigrationControl} table {@code dualstore_control}, under load from two writers (each
 * write then a read of its key) and one reader, on keys shared with every other instance.
 *
 * <p>Arguments: {@code url user postgres|mariadb child incarnation}. Standard input: {@code
 * pause} (stop the load, drain, print {@code paused}), {@code resume}, {@code stop} (stop, close,
 * print {@code done ...}, exit). Standard output:
 * <ul>
 *   <li>{@code joined <step>} once built (the step of the plan, from 0; -1 before the plan);</li>
 *   <li>{@code served <store> <stepBefore> <stepAfter>} the first time a read was answered by
 *       {@code store} with the step read just before and just after the call;</li>
 *   <li>{@code stale <id> <wrote> <read>} if a read of a key after this instance's own write to it
 *       returned an older version;</li>
 *   <li>{@code wrote <n>} every 10 writes; {@code done <writes> <reads> <stale>} at the end.</li>
 * </ul>
 * A version is {@code millis * 1_000_000 + sequence * 100 + child * 10 + incarnation}: unique
 * across instances, and it names its writer.
 */
public final class FleetChild {
    static final int KEYS = 64;

    private static final ThreadLocal<String[]> SERVED = new ThreadLocal<>();
    private static final Set<String> seen = ConcurrentHashMap.newKeySet();
    private static final AtomicLong sequence = new AtomicLong();
    private static volatile boolean running = true;

    private FleetChild() {
    }

    public static void main(String[] args) throws Exception {
        DataSource db = new PooledDataSource(new DriverDataSource(args[0], args[1], ""));
        boolean postgres = args[2].equals("postgres");
        int child = Integer.parseInt(args[3]);
        int incarnation = Integer.parseInt(args[4]);
        JdbcMigrationControl control = JdbcMigrationControl.in(db, "dualstore_control")
                .withLease(Duration.ofSeconds(3), Duration.ofMillis(50));
        MirroringBackend<ItemStore> backend = MirroringBackend.builder(ItemStore.class).name("items")
                .primary("old", recording("old", ItemStore.over(db, "items_old", postgres)))
                .secondary("new", recording("new", ItemStore.over(db, "items_new", postgres)))
                .control(control).instanceName("child-" + child + "-" + incarnation)
                .logMismatches(false).timeout(Duration.ofSeconds(10))
                // A few threads: each secondary call holds a connection, and the servers are shared.
                .threads(4).meterRegistry(new SimpleMeterRegistry()).build();
        print("joined " + step(backend));
        AtomicLong writes = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        long tag = child * 10L + incarnation;
        Object gate = new Object();
        List<Thread> load = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            load.add(new Thread(() -> {
                while (awaitRunning(gate)) {
                    long id = ThreadLocalRandom.current().nextInt(KEYS);
                    long version = System.currentTimeMillis() * 1_000_000 + (sequence.incrementAndGet() % 10_000) * 100 + tag;
                    backend.proxy().put(id, version);
                    if (writes.incrementAndGet() % 10 == 0) {
                        print("wrote " + writes.get());
                    }
                    Long read = read(backend, id);
                    reads.incrementAndGet();
                    if (read == null || read < version) {
                        stale.incrementAndGet();
                        print("stale " + id + " " + version + " " + read);
                    }
                }
            }, "writer-" + w));
        }
        load.add(new Thread(() -> {
            while (awaitRunning(gate)) {
                read(backend, ThreadLocalRandom.current().nextInt(KEYS));
                reads.incrementAndGet();
            }
        }, "reader"));
        load.forEach(Thread::start);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("pause") || line.equals("stop")) {
                    synchronized (gate) {
                        running = false;
                    }
                    awaitIdle(load, gate);
                    backend.drain(Duration.ofSeconds(30));
                    if (line.equals("stop")) {
                        break;
                    }
                    print("paused " + step(backend));
                } else if (line.equals("resume")) {
                    synchronized (gate) {
                        running = true;
                        gate.notifyAll();
                    }
                }
            }
        }
        backend.close();
        print("done " + writes.get() + " " + reads.get() + " " + stale.get());
        System.exit(0);
    }

    private static final AtomicLong idle = new AtomicLong();

    /** Waits while paused; false if interrupted. */
    private static boolean awaitRunning(Object gate) {
        synchronized (gate) {
            if (!running) {
                idle.incrementAndGet();
                gate.notifyAll(); // awaitIdle counts the paused threads on the same monitor
                try {
                    while (!running) {
                        gate.wait();
                    }
                } catch (InterruptedException e) {
                    return false;
                } finally {
                    idle.decrementAndGet();
                }
            }
        }
        return true;
    }

    /** Waits until every load thread is paused. */
    private static void awaitIdle(List<Thread> load, Object gate) throws InterruptedException {
        synchronized (gate) {
            while (idle.get() < load.size()) {
                gate.wait();
            }
        }
    }

    private static Long read(MirroringBackend<ItemStore> backend, long id) {
        String[] served = new String[1];
        SERVED.set(served);
        try {
            int before = step(backend);
            Long version = backend.proxy().version(id);
            int after = step(backend);
            String record = "served " + served[0] + " " + before + " " + after;
            if (seen.add(record)) {
                print(record);
            }
            return version;
        } finally {
            SERVED.remove();
        }
    }

    private static int step(MirroringBackend<ItemStore> backend) {
        return backend.controlState().map(ControlState::step).orElse(-1);
    }

    /** Notes which store answered a read on the caller's thread (mirrored reads run on dualstore's). */
    private static ItemStore recording(String name, ItemStore store) {
        return new ItemStore() {
            @Override
            public Long version(long id) {
                String[] served = SERVED.get();
                if (served != null) {
                    served[0] = name;
                }
                return store.version(id);
            }

            @Override
            public void put(long id, long version) {
                store.put(id, version);
            }
        };
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
