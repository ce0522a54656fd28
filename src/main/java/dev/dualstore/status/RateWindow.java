package dev.dualstore.status;

import java.util.ArrayDeque;

/**
 * Per-second rates of two totals (calls, mismatches) over a sliding window of readings, taken
 * whenever the page or its JSON is read: the rate is the growth since the oldest reading still in
 * the window, over the time between them. Keeps at most about 60 readings (one per 1/60 of the
 * window), so its memory does not grow with requests. Threadsafe.
 */
final class RateWindow {
    private record Reading(long nanos, long calls, long mismatches) {}

    private final long windowNanos;
    private final long spacingNanos;
    private final ArrayDeque<Reading> readings = new ArrayDeque<>();

    RateWindow(long windowNanos) {
        this.windowNanos = windowNanos;
        this.spacingNanos = windowNanos / 60;
    }

    /**
     * Records the totals now and returns the rates.
     *
     * @return calls and mismatches per second since the oldest reading in the window, or null when
     *         there is no earlier reading (or none earlier by at least a millisecond)
     */
    synchronized double[] record(long now, long calls, long mismatches) {
        // Drop readings older than the window, but keep the newest of them as the baseline until
        // a younger one exists, so a page read less often than the window still shows a rate.
        while (readings.size() > 1 && now - readings.peekFirst().nanos > windowNanos
                && now - secondOldest().nanos >= windowNanos) {
            readings.removeFirst();
        }
        Reading oldest = readings.peekFirst();
        double[] rates = null;
        if (oldest != null && (calls < oldest.calls || mismatches < oldest.mismatches)) {
            // The meters were removed and registered again (a backend closed and rebuilt): start over.
            readings.clear();
            oldest = null;
        }
        if (oldest != null && now - oldest.nanos >= 1_000_000) {
            double seconds = (now - oldest.nanos) / 1e9;
            rates = new double[] {(calls - oldest.calls) / seconds, (mismatches - oldest.mismatches) / seconds};
        }
        Reading newest = readings.peekLast();
        if (newest == null || now - newest.nanos >= spacingNanos) {
            readings.addLast(new Reading(now, calls, mismatches));
        }
        return rates;
    }

    private Reading secondOldest() {
        var it = readings.iterator();
        it.next();
        return it.next();
    }
}
