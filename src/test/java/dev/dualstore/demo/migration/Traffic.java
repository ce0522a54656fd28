package dev.dualstore.demo.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The follows service's live traffic: a few threads calling the DAO (the backend's proxy) at a
 * modest, paced rate, through every phase of the migration: about a third writes (follows, and
 * nearly as many unfollows of recent follows, so the table grows slowly however long it serves), the
 * rest reads. It touches the users {@code 1..activeUsers} only, so the rows of the
 * other users stay as the seed made them.
 *
 * <p>The demo pauses it between phases so that each phase's counts cover whole calls: {@link
 * #pause()} returns once every thread is parked between two calls, and {@link #window(long)} lets
 * exactly a number of calls through. Threads are daemons named {@code demo-traffic-<n>}. Threadsafe.
 */
final class Traffic implements AutoCloseable {
    /** The page size of {@code following}: larger than any user's follows here, so a page is all of them. */
    static final int PAGE = 100;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Follows a thread remembers, to unfollow one of them now and then, as people do. */
    private static final int RECENT = 64;

    private final FollowGraph follows;
    private final int activeUsers;
    private final int channels;
    private final long nanosPerCall;
    private final List<Thread> threads = new ArrayList<>();
    private final Object monitor = new Object();
    // Guarded by monitor.
    private boolean paused = true;
    private boolean stopped;
    private int parked;
    private long calls;
    private long reads;
    private long writes;
    private long limit = Long.MAX_VALUE;
    private RuntimeException failure;

    /**
     * @param follows     the DAO to call
     * @param threads     calling threads
     * @param callsPerSecond all threads together
     * @param seed        the random choices' seed (each thread derives its own)
     */
    Traffic(FollowGraph follows, int activeUsers, int channels, int threads, int callsPerSecond, long seed) {
        this.follows = follows;
        this.activeUsers = activeUsers;
        this.channels = channels;
        this.nanosPerCall = TimeUnit.SECONDS.toNanos(1) * threads / callsPerSecond;
        for (int i = 0; i < threads; i++) {
            SplittableRandom random = new SplittableRandom(seed + i);
            Thread t = new Thread(() -> run(random, new long[RECENT][]), "demo-traffic-" + (i + 1));
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
        awaitParked(false);
    }

    /** Lets the threads call freely, until {@link #pause()}. */
    void resume() {
        synchronized (monitor) {
            rethrow();
            limit = Long.MAX_VALUE;
            paused = false;
            monitor.notifyAll();
        }
    }

    /** Stops the threads between two calls; returns once all are parked. */
    void pause() {
        synchronized (monitor) {
            paused = true;
        }
        awaitParked(false);
    }

    /** Lets exactly {@code n} more calls through (the threads were paused), then pauses again. */
    void window(long n) {
        synchronized (monitor) {
            rethrow();
            limit = calls + n;
            paused = false;
            monitor.notifyAll();
        }
        awaitParked(true);
        synchronized (monitor) {
            paused = true;
            rethrow();
        }
    }

    /** @return calls made so far */
    long calls() {
        synchronized (monitor) {
            return calls;
        }
    }

    /** @return reads made so far */
    long reads() {
        synchronized (monitor) {
            return reads;
        }
    }

    /** @return writes made so far */
    long writes() {
        synchronized (monitor) {
            return writes;
        }
    }

    /** Stops the threads for good. */
    @Override
    public void close() {
        synchronized (monitor) {
            stopped = true;
            monitor.notifyAll();
        }
        for (Thread t : threads) {
            try {
                t.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits until every thread is parked, and with {@code limitReached} until the window's calls were all made. */
    private void awaitParked(boolean limitReached) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (monitor) {
            // Right after a resume the threads may not have woken yet: they still count as parked.
            while ((parked < threads.size() || limitReached && calls < limit) && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("traffic threads did not pause within " + WAIT + ": " + parked
                            + " of " + threads.size() + " parked");
                }
                try {
                    monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pausing the traffic", e);
                }
            }
        }
    }

    private void run(SplittableRandom random, long[][] recent) {
        long next = System.nanoTime();
        while (true) {
            synchronized (monitor) {
                if (mustWait()) {
                    // Counted once per pause, and told once: a thread that re-checked on every wake-up
                    // and told the others again would keep them all awake.
                    parked++;
                    monitor.notifyAll();
                    try {
                        while (mustWait()) {
                            monitor.wait();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        parked--;
                    }
                    next = System.nanoTime();
                }
                if (stopped || failure != null) {
                    parked++; // never to run again: counts as parked for a pause that waits
                    monitor.notifyAll();
                    return;
                }
                calls++;
            }
            boolean wrote;
            try {
                wrote = call(random, recent);
            } catch (RuntimeException e) {
                synchronized (monitor) {
                    failure = failure == null ? e : failure;
                    monitor.notifyAll();
                }
                continue;
            }
            synchronized (monitor) {
                if (wrote) {
                    writes++;
                } else {
                    reads++;
                }
            }
            // Pacing a load generator, not waiting for work: one call every nanosPerCall per thread.
            next += nanosPerCall;
            long ahead = next - System.nanoTime();
            if (ahead > 0) {
                LockSupport.parkNanos(ahead);
            } else if (ahead < -TimeUnit.SECONDS.toNanos(1)) {
                next = System.nanoTime(); // fell behind (a pause of the stores): do not burst to catch up
            }
        }
    }

    /** Guarded by monitor. */
    private boolean mustWait() {
        return !stopped && failure == null && (paused || calls >= limit);
    }

    /** One call; true if it was a write. {@code recent} is this thread's ring of its last follows. */
    private boolean call(SplittableRandom random, long[][] recent) {
        long user = 1 + random.nextInt(activeUsers);
        long channel = 1 + random.nextInt(channels);
        int what = random.nextInt(100);
        if (what < 17) {
            follows.follow(user, channel, Instant.ofEpochMilli(System.currentTimeMillis()));
            recent[random.nextInt(RECENT)] = new long[] {user, channel};
            return true;
        }
        if (what < 31) {
            long[] edge = recent[random.nextInt(RECENT)];
            if (edge != null) {
                follows.unfollow(edge[0], edge[1]);
            } else {
                follows.unfollow(user, channel);
            }
            return true;
        }
        if (what < 70) {
            follows.following(user, PAGE);
        } else if (what < 85) {
            follows.isFollowing(user, channel);
        } else {
            follows.followingCount(user);
        }
        return false;
    }

    private void rethrow() {
        if (failure != null) {
            throw new IllegalStateException("the traffic stopped: a call failed: " + failure, failure);
        }
    }
}
