package dev.dualstore.table;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/** {@link Checkpoints#inMemory()}: one monitor for the chunk records, one lock per job's frontier. */
final class MemoryCheckpoints implements Checkpoints {
    private static final class Job {
        final List<Chunk> chunks = new ArrayList<>();
        final ReentrantLock frontierLock = new ReentrantLock();
        RowKey frontier;
        boolean ended;
        String position;
    }

    private final Clock clock;
    private final Map<String, Job> jobs = new HashMap<>();

    MemoryCheckpoints(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private synchronized Job job(String job) {
        Objects.requireNonNull(job, "job");
        return jobs.computeIfAbsent(job, name -> new Job());
    }

    @Override
    public Optional<Chunk> leaseUnfinished(String job, Duration leaseTime) {
        Job state = job(job);
        Instant now = clock.instant();
        synchronized (this) {
            for (int i = 0; i < state.chunks.size(); i++) {
                Chunk chunk = state.chunks.get(i);
                if (!chunk.done() && (chunk.leaseUntil() == null || chunk.leaseUntil().isBefore(now))) {
                    Chunk leased = new Chunk(job, chunk.index(), chunk.lower(), chunk.upper(), false,
                            UUID.randomUUID().toString(), now.plus(leaseTime), 0, chunk.completions());
                    state.chunks.set(i, leased);
                    return Optional.of(leased);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Chunk> leaseNext(String job, Duration leaseTime, Splitter splitter) {
        Job state = job(job);
        state.frontierLock.lock();
        try {
            RowKey lower;
            synchronized (this) {
                if (state.ended) {
                    return Optional.empty();
                }
                lower = state.frontier;
            }
            Split split = splitter.next(Optional.ofNullable(lower));
            synchronized (this) {
                if (split == null) {
                    state.ended = true;
                    return Optional.empty();
                }
                Chunk chunk = new Chunk(job, state.chunks.size(), lower, split.upper(), false,
                        UUID.randomUUID().toString(), clock.instant().plus(leaseTime), 0, 0);
                state.chunks.add(chunk);
                state.frontier = split.upper();
                state.ended = split.last();
                return Optional.of(chunk);
            }
        } finally {
            state.frontierLock.unlock();
        }
    }

    @Override
    public boolean renew(Chunk chunk, Duration leaseTime) {
        Job state = job(chunk.job());
        synchronized (this) {
            Chunk now = state.chunks.get((int) chunk.index());
            if (now.done() || !Objects.equals(now.lease(), chunk.lease())) {
                return false;
            }
            state.chunks.set((int) chunk.index(), new Chunk(now.job(), now.index(), now.lower(), now.upper(), false,
                    now.lease(), clock.instant().plus(leaseTime), 0, now.completions()));
            return true;
        }
    }

    @Override
    public boolean complete(Chunk chunk, long rows) {
        Job state = job(chunk.job());
        synchronized (this) {
            Chunk now = state.chunks.get((int) chunk.index());
            if (now.done() || !Objects.equals(now.lease(), chunk.lease())) {
                return false;
            }
            state.chunks.set((int) chunk.index(), new Chunk(now.job(), now.index(), now.lower(), now.upper(), true,
                    null, null, rows, now.completions() + 1));
            return true;
        }
    }

    @Override
    public List<Chunk> chunks(String job) {
        Job state = job(job);
        synchronized (this) {
            return List.copyOf(state.chunks);
        }
    }

    @Override
    public boolean allDefined(String job) {
        Job state = job(job);
        synchronized (this) {
            return state.ended;
        }
    }

    @Override
    public Optional<String> position(String job) {
        Job state = job(job);
        synchronized (this) {
            return Optional.ofNullable(state.position);
        }
    }

    @Override
    public void savePosition(String job, String position) {
        Objects.requireNonNull(position, "position");
        Job state = job(job);
        synchronized (this) {
            state.position = position;
        }
    }

    @Override
    public synchronized void reset(String job) {
        jobs.remove(Objects.requireNonNull(job, "job"));
    }

    @Override
    public String toString() {
        return "Checkpoints.inMemory()";
    }
}
