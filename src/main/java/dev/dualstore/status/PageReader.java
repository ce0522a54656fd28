package dev.dualstore.status;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Redactor;
import dev.dualstore.Ticker;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.status.PageModel.BackendModel;
import dev.dualstore.status.PageModel.JobModel;
import dev.dualstore.status.PageModel.KindModel;
import dev.dualstore.status.PageModel.MethodModel;
import dev.dualstore.status.PageModel.Reading;
import dev.dualstore.status.PageModel.RepairModel;
import dev.dualstore.status.PageModel.StoreModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the backends and the registry into a {@link PageModel}. Runs on whichever thread serves
 * the request (the page's own, or the host server's), never a caller's; threadsafe (the rate
 * windows are the only state, and each guards itself).
 */
final class PageReader {
    /** Job families: the meter-name prefix and the tag that names one job. */
    private static final Map<String, String> JOB_TAGS = Map.of(
            "backfill", "job", "catchup", "job", MeterNames.CHECK, MeterNames.CHECK,
            MeterNames.JOURNAL, MeterNames.JOURNAL, MeterNames.REPLAY, MeterNames.REPLAY);
    private static final int KEYS_SHOWN = 10;

    private final List<MirroringBackend<?>> backends;
    private final MeterRegistry registry;
    private final MismatchSamples samples;
    private final Redactor redactor;
    private final boolean controls;
    private final Ticker ticker;
    private final Clock clock;
    private final long windowNanos;
    private final Map<String, RateWindow> rates = new java.util.concurrent.ConcurrentHashMap<>();

    PageReader(List<MirroringBackend<?>> backends, MeterRegistry registry, MismatchSamples samples, Redactor redactor,
            boolean controls, Ticker ticker, Clock clock, long windowNanos) {
        this.backends = List.copyOf(backends);
        this.registry = registry;
        this.samples = samples;
        this.redactor = redactor;
        this.controls = controls;
        this.ticker = ticker;
        this.clock = clock;
        this.windowNanos = windowNanos;
    }

    PageModel read() {
        List<Meter> meters = new ArrayList<>(registry.getMeters());
        long now = ticker.read();
        List<BackendModel> models = new ArrayList<>();
        for (MirroringBackend<?> backend : backends) {
            models.add(backend(backend, meters, now));
        }
        return new PageModel(clock.millis(), windowNanos / 1e9, controls, models, jobs(meters));
    }

    private BackendModel backend(MirroringBackend<?> backend, List<Meter> all, long now) {
        String name = backend.name();
        List<Meter> meters = all.stream().filter(m -> name.equals(m.getId().getTag(MeterNames.BACKEND))).toList();
        // The roles come from two reads; a promote between them would list the new primary among the
        // secondaries too. Read again until they agree (a promote takes milliseconds at least), and
        // in the end leave the primary out of the secondaries, so each store is shown once.
        String primary = backend.primaryName();
        List<String> secondaries = backend.secondaryNames();
        for (int attempt = 0; attempt < 3 && secondaries.contains(primary); attempt++) {
            primary = backend.primaryName();
            secondaries = backend.secondaryNames();
        }
        String answering = primary;
        secondaries = secondaries.stream().filter(s -> !s.equals(answering)).toList();
        List<StoreModel> stores = new ArrayList<>();
        stores.add(store(name, primary, "primary", null, meters, now));
        for (String secondary : secondaries) {
            stores.add(store(name, secondary, "secondary", stageOf(backend, secondary), meters, now));
        }
        Set<String> storeNames = new LinkedHashSet<>();
        stores.forEach(s -> storeNames.add(s.name()));
        return new BackendModel(name, primary, backend.controlState().map(Object::toString).orElse(null), stores,
                methods(meters), kinds(meters), repairs(backend, storeNames, meters),
                samples == null ? List.of() : samples.recent(name), samples == null ? null : samples.keepsValues());
    }

    private static String stageOf(MirroringBackend<?> backend, String store) {
        try {
            return backend.stage(store).name();
        } catch (IllegalArgumentException promotedSinceRead) {
            return "PRIMARY";
        }
    }

    private StoreModel store(String backend, String store, String role, String stage, List<Meter> meters, long now) {
        long calls = 0;
        long compared = 0;
        long mismatches = 0;
        long notApplied = 0;
        long pending = 0;
        for (Meter m : meters) {
            if (!store.equals(m.getId().getTag(MeterNames.STORE))) {
                continue;
            }
            String result = m.getId().getTag(MeterNames.RESULT);
            switch (m.getId().getName()) {
                case MeterNames.CALLS -> calls += m instanceof Timer t ? t.count() : 0;
                case MeterNames.COMPARISONS -> {
                    long n = (long) value(m);
                    if (MeterNames.MISMATCH.equals(result)) {
                        mismatches += n;
                        compared += n;
                    } else if (MeterNames.MATCH.equals(result)) {
                        compared += n;
                    }
                }
                case MeterNames.WRITES -> notApplied += MeterNames.SUCCESS.equals(result) ? 0 : (long) value(m);
                case MeterNames.PENDING -> pending += (long) value(m);
                default -> { }
            }
        }
        RateWindow window = rates.computeIfAbsent(backend + '\u0000' + store, k -> new RateWindow(windowNanos));
        double[] perSecond = window.record(now, calls, mismatches);
        return new StoreModel(store, role, stage, calls, compared, mismatches, notApplied, pending,
                perSecond == null ? null : perSecond[0], perSecond == null ? null : perSecond[1]);
    }

    private static List<MethodModel> methods(List<Meter> meters) {
        Map<List<String>, Map<String, Long>> comparisons = new TreeMap<>(PageReader::compareLists);
        Map<List<String>, Map<String, Long>> writes = new TreeMap<>(PageReader::compareLists);
        for (Meter m : meters) {
            String name = m.getId().getName();
            if (!name.equals(MeterNames.COMPARISONS) && !name.equals(MeterNames.WRITES)) {
                continue;
            }
            List<String> key = List.of(m.getId().getTag(MeterNames.METHOD), m.getId().getTag(MeterNames.STORE));
            Map<List<String>, Map<String, Long>> into = name.equals(MeterNames.COMPARISONS) ? comparisons : writes;
            into.computeIfAbsent(key, k -> new TreeMap<>()).merge(m.getId().getTag(MeterNames.RESULT), (long) value(m), Long::sum);
        }
        Set<List<String>> keys = new java.util.TreeSet<>(PageReader::compareLists);
        keys.addAll(comparisons.keySet());
        keys.addAll(writes.keySet());
        return keys.stream().map(k -> new MethodModel(k.get(0), k.get(1), comparisons.getOrDefault(k, Map.of()),
                writes.getOrDefault(k, Map.of()))).toList();
    }

    private static List<KindModel> kinds(List<Meter> meters) {
        return meters.stream()
                .filter(m -> m.getId().getName().equals(MeterNames.COMPARISONS)
                        && MeterNames.MISMATCH.equals(m.getId().getTag(MeterNames.RESULT)))
                .map(m -> new KindModel(m.getId().getTag(MeterNames.METHOD), m.getId().getTag(MeterNames.STORE),
                        m.getId().getTag(MeterNames.KIND), (long) value(m)))
                .sorted(Comparator.comparing(KindModel::method).thenComparing(KindModel::store).thenComparing(KindModel::kind))
                .toList();
    }

    private List<RepairModel> repairs(MirroringBackend<?> backend, Set<String> stores, List<Meter> meters) {
        // Write observers (a journal) have a repairs gauge under their own name, like a store.
        Set<String> names = new LinkedHashSet<>(stores);
        meters.stream().filter(m -> m.getId().getName().equals(MeterNames.REPAIRS))
                .map(m -> m.getId().getTag(MeterNames.STORE)).sorted().forEach(names::add);
        List<RepairModel> repairs = new ArrayList<>();
        for (String store : names) {
            Set<Object> keys;
            long notListed;
            try {
                keys = backend.keysToRepair(store);
                notListed = backend.writesNotListed(store);
            } catch (IllegalArgumentException notThisBackends) {
                continue;
            }
            List<String> shown = new ArrayList<>();
            if (redactor != null) {
                for (Object key : keys) {
                    if (shown.size() == KEYS_SHOWN) {
                        break;
                    }
                    shown.add(redact(key));
                }
            }
            repairs.add(new RepairModel(store, !stores.contains(store), keys.size(), notListed, shown));
        }
        return repairs;
    }

    private String redact(Object key) {
        try {
            return String.valueOf(redactor.redact(key));
        } catch (RuntimeException | LinkageError e) {
            return "(the redactor threw " + e.getClass().getName() + ")";
        }
    }

    private static List<JobModel> jobs(List<Meter> meters) {
        Map<List<String>, List<Reading>> jobs = new TreeMap<>(PageReader::compareLists);
        for (Meter m : meters) {
            String name = m.getId().getName();
            if (!name.startsWith("dualstore.")) {
                continue;
            }
            int dot = name.indexOf('.', "dualstore.".length());
            String family = name.substring("dualstore.".length(), dot < 0 ? name.length() : dot);
            String tag = JOB_TAGS.get(family);
            String job = tag == null ? null : m.getId().getTag(tag);
            if (job == null) {
                continue;
            }
            String others = m.getId().getTags().stream().filter(t -> !t.getKey().equals(tag))
                    .map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(","));
            jobs.computeIfAbsent(List.of(family, job), k -> new ArrayList<>()).add(new Reading(name, others, value(m)));
        }
        List<JobModel> models = new ArrayList<>();
        jobs.forEach((k, readings) -> {
            readings.sort(Comparator.comparing(Reading::meter).thenComparing(Reading::tags));
            models.add(new JobModel(k.get(0), k.get(1), List.copyOf(readings)));
        });
        return models;
    }

    /** A counter's count, a gauge's value, a timer's count of events. */
    static double value(Meter m) {
        if (m instanceof Counter c) {
            return c.count();
        }
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        if (m instanceof Gauge g) {
            return g.value();
        }
        if (m instanceof Timer t) {
            return t.count();
        }
        if (m instanceof FunctionTimer t) {
            return t.count();
        }
        if (m instanceof LongTaskTimer t) {
            return t.activeTasks();
        }
        return Double.NaN;
    }

    private static int compareLists(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = String.valueOf(a.get(i)).compareTo(String.valueOf(b.get(i)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Whether the backend's meters are in this registry: its pending gauges exist from build() on. */
    static boolean hasMetersOf(MeterRegistry registry, MirroringBackend<?> backend) {
        return registry.find(MeterNames.PENDING).tag(MeterNames.BACKEND, backend.name()).gauge() != null;
    }
}
