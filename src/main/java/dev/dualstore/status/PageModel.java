package dev.dualstore.status;

import java.util.List;
import java.util.Map;

/**
 * What the page shows at one moment, read from the backends and the registry by {@link PageReader}
 * and written out as HTML by {@link HtmlView} and as JSON by {@link JsonView}. Values are record
 * values only where a redactor made them text. Never changed once made, so any thread may read it.
 */
record PageModel(long takenAtMillis, double rateWindowSeconds, boolean controls, List<BackendModel> backends,
        List<JobModel> jobs) {

    /**
     * One backend.
     *
     * @param controlStep the fleet step it follows ({@code ControlState}'s text), or null without one
     * @param samplesKeepValues whether the samples hold redacted values; null without samples
     */
    record BackendModel(String name, String primary, String controlStep, List<StoreModel> stores,
            List<MethodModel> methods, List<KindModel> kinds, List<RepairModel> repairs,
            List<MismatchSamples.Sample> samples, Boolean samplesKeepValues) {}

    /**
     * One store of a backend.
     *
     * @param role             {@code primary} or {@code secondary}
     * @param stage            the secondary's {@code Stage}, or null for the primary
     * @param calls            {@code dualstore.calls} timed for this store, both roles, every outcome
     * @param compared         {@code dualstore.comparisons} of this store as secondary with
     *                         {@code result} {@code match} or {@code mismatch}
     * @param mismatches       {@code dualstore.comparisons{result=mismatch}} of this store
     * @param writesNotApplied {@code dualstore.writes} of this store with a result other than {@code success}
     * @param pending          the {@code dualstore.pending} gauge
     * @param callsPerSecond   calls per second over the rate window, or null before two readings
     * @param mismatchesPerSecond mismatches per second over the rate window, or null before two readings
     */
    record StoreModel(String name, String role, String stage, long calls, long compared, long mismatches,
            long writesNotApplied, long pending, Double callsPerSecond, Double mismatchesPerSecond) {}

    /**
     * The counts of one method and secondary, by {@code result} tag.
     *
     * @param comparisons {@code dualstore.comparisons} by result (reads), empty for a write
     * @param writes      {@code dualstore.writes} by result (writes), empty for a read
     */
    record MethodModel(String method, String store, Map<String, Long> comparisons, Map<String, Long> writes) {}

    /** {@code dualstore.comparisons{result=mismatch}} of one method, secondary and kind. */
    record KindModel(String method, String store, String kind, long count) {}

    /**
     * What a store (or write observer) may have missed.
     *
     * @param keysListed      {@code backend.keysToRepair(store).size()}
     * @param writesNotListed {@code backend.writesNotListed(store)}
     * @param someKeys        up to ten listed keys as the page's redactor wrote them; empty without one
     */
    record RepairModel(String store, boolean observer, long keysListed, long writesNotListed, List<String> someKeys) {}

    /**
     * A backfill, catch-up, check, journal or replay whose meters are in the registry.
     *
     * @param family   {@code backfill}, {@code catchup}, {@code check}, {@code journal} or {@code replay}
     * @param name     the value of its identifying tag ({@code job}, {@code check}, {@code journal}, {@code replay})
     * @param readings its meters, in name order
     */
    record JobModel(String family, String name, List<Reading> readings) {}

    /**
     * One meter of a job.
     *
     * @param meter the meter's name, for example {@code dualstore.backfill.rows}
     * @param tags  its tags other than the job's, as {@code key=value} joined by commas; "" if none
     * @param value a counter's count, a gauge's value, a timer's count
     */
    record Reading(String meter, String tags, double value) {}
}
