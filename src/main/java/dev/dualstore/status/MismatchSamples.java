package dev.dualstore.status;

import dev.dualstore.Mismatch;
import dev.dualstore.MismatchKind;
import dev.dualstore.MismatchListener;
import dev.dualstore.Outcome;
import dev.dualstore.Redactor;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The last few mismatches of each backend, method, secondary and kind, for a {@link StatusPage} to
 * show: add it to a backend with {@code builder.mismatchListener(samples)}.
 *
 * <p>It keeps only what the page may show: the kind, method, stores, the difference (which holds
 * no record values) and the path. Arguments and answers are turned into text at capture time
 * through the redactor given here, each cut to {@value #MAX_TEXT} characters, and only when one
 * was given; no user object is retained. Memory is bounded: {@code perKind} samples per (backend,
 * method, store, kind), for at most {@value #MAX_GROUPS} such groups (the tags are bounded sets,
 * so a real service stays far below).
 *
 * <p>{@link #onMismatch} runs on dualstore's threads, as every listener does; a redactor that
 * throws is recorded as such in the sample, never thrown. This class is threadsafe.
 */
public final class MismatchSamples implements MismatchListener {
    /** Characters kept of each redacted value. */
    public static final int MAX_TEXT = 300;
    /** (backend, method, store, kind) groups kept at most; mismatches of further groups are only counted. */
    public static final int MAX_GROUPS = 4_096;

    private final int perKind;
    private final Redactor redactor;
    private final Clock clock;
    private final Map<Group, ArrayDeque<Sample>> groups = new HashMap<>();
    private long sequence;
    private long notKept;

    private MismatchSamples(int perKind, Redactor redactor, Clock clock) {
        if (perKind < 1) {
            throw new IllegalArgumentException("perKind must be at least 1, was " + perKind);
        }
        this.perKind = perKind;
        this.redactor = redactor;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Keeps the last {@code perKind} mismatches of each kind per method and store, without values.
     *
     * @param perKind how many to keep per (backend, method, store, kind); at least 1
     * @return samples to add as a mismatch listener
     * @throws IllegalArgumentException if {@code perKind} is below 1
     */
    public static MismatchSamples keepingLast(int perKind) {
        return new MismatchSamples(perKind, null, Clock.systemUTC());
    }

    /**
     * As {@link #keepingLast(int)}, and keeps each mismatch's arguments and both answers as the
     * redactor turns them into text.
     *
     * @param perKind  how many to keep per (backend, method, store, kind); at least 1
     * @param redactor turns a value into text safe to show on the page
     * @return samples to add as a mismatch listener
     * @throws IllegalArgumentException if {@code perKind} is below 1
     */
    public static MismatchSamples keepingLast(int perKind, Redactor redactor) {
        return new MismatchSamples(perKind, Objects.requireNonNull(redactor, "redactor"), Clock.systemUTC());
    }

    /**
     * As {@link #keepingLast(int, Redactor)}, with the clock that dates each sample.
     *
     * @param perKind  how many to keep per (backend, method, store, kind); at least 1
     * @param redactor turns a value into text, or null to keep no values
     * @param clock    dates each sample
     * @return samples to add as a mismatch listener
     */
    public static MismatchSamples keepingLast(int perKind, Redactor redactor, Clock clock) {
        return new MismatchSamples(perKind, redactor, clock);
    }

    /** @return whether the samples hold values (a redactor was given) */
    public boolean keepsValues() {
        return redactor != null;
    }

    @Override
    public void onMismatch(Mismatch mismatch) {
        String arguments = redactor == null ? null : text(mismatch.arguments());
        String expected = redactor == null ? null : text(mismatch.expected());
        String actual = redactor == null ? null : text(mismatch.actual());
        Instant at = clock.instant();
        Group group = new Group(mismatch.backend(), mismatch.method(), mismatch.store(), mismatch.kind());
        synchronized (this) {
            ArrayDeque<Sample> kept = groups.get(group);
            if (kept == null) {
                if (groups.size() >= MAX_GROUPS) {
                    notKept++;
                    return;
                }
                kept = new ArrayDeque<>(Math.min(perKind, 16));
                groups.put(group, kept);
            }
            if (kept.size() == perKind) {
                kept.removeFirst();
            }
            kept.addLast(new Sample(++sequence, at, mismatch.backend(), mismatch.method(), mismatch.store(),
                    mismatch.primary(), mismatch.kind(), cut(mismatch.difference()), cut(mismatch.path()), arguments,
                    expected, actual));
        }
    }

    /**
     * @param backend a backend's name
     * @return the samples kept of that backend, newest first
     */
    public List<Sample> recent(String backend) {
        Objects.requireNonNull(backend, "backend");
        List<Sample> all = new ArrayList<>();
        synchronized (this) {
            groups.forEach((group, kept) -> {
                if (group.backend.equals(backend)) {
                    all.addAll(kept);
                }
            });
        }
        all.sort(Comparator.comparingLong(Sample::sequence).reversed());
        return all;
    }

    /** @return how many mismatches were not kept because {@value #MAX_GROUPS} groups were full */
    public synchronized long notKept() {
        return notKept;
    }

    private String text(List<Object> arguments) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < arguments.size() && text.length() <= MAX_TEXT; i++) {
            text.append(i == 0 ? "" : ", ").append(redacted(arguments.get(i)));
        }
        return cut(text.append(')').toString());
    }

    private String text(Outcome outcome) {
        // The exception's class says what happened; its message may hold record values.
        return outcome.threw() ? "threw " + outcome.exception().getClass().getName() : cut(redacted(outcome.value()));
    }

    private String redacted(Object value) {
        try {
            return String.valueOf(redactor.redact(value));
        } catch (RuntimeException | LinkageError e) {
            return "(the redactor threw " + e.getClass().getName() + ")";
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "\u2026";
    }

    private record Group(String backend, String method, String store, MismatchKind kind) {}

    /**
     * One mismatch as the page shows it.
     *
     * @param sequence   the order in which the samples were taken, from 1
     * @param at         when it was taken
     * @param backend    the backend's name
     * @param method     the method's name
     * @param store      the secondary whose answer differed
     * @param primary    the store that answered the caller
     * @param kind       why the answers differ
     * @param difference the diagnosis, without record values
     * @param path       the path to the first difference, "" if none
     * @param arguments  the call's arguments as the redactor wrote them, or null without a redactor
     * @param expected   the primary's answer as the redactor wrote it, or null without a redactor
     * @param actual     the secondary's answer as the redactor wrote it, or null without a redactor
     */
    public record Sample(long sequence, Instant at, String backend, String method, String store, String primary,
            MismatchKind kind, String difference, String path, String arguments, String expected, String actual) {}
}
