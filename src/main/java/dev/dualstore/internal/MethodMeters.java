package dev.dualstore.internal;

import static dev.dualstore.metrics.MeterNames.CALLS;
import static dev.dualstore.metrics.MeterNames.COMPARISONS;
import static dev.dualstore.metrics.MeterNames.ERROR;
import static dev.dualstore.metrics.MeterNames.KIND;
import static dev.dualstore.metrics.MeterNames.MATCH;
import static dev.dualstore.metrics.MeterNames.METHOD;
import static dev.dualstore.metrics.MeterNames.MISMATCH;
import static dev.dualstore.metrics.MeterNames.NO_KIND;
import static dev.dualstore.metrics.MeterNames.OUTCOME;
import static dev.dualstore.metrics.MeterNames.RACED;
import static dev.dualstore.metrics.MeterNames.REJECTED;
import static dev.dualstore.metrics.MeterNames.RESULT;
import static dev.dualstore.metrics.MeterNames.ROLLED_BACK;
import static dev.dualstore.metrics.MeterNames.ROLE;
import static dev.dualstore.metrics.MeterNames.STORE;
import static dev.dualstore.metrics.MeterNames.SUCCESS;
import static dev.dualstore.metrics.MeterNames.TIMEOUT;
import static dev.dualstore.metrics.MeterNames.WARMUP;
import static dev.dualstore.metrics.MeterNames.WRITES;

import dev.dualstore.MismatchKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The meters of one method on one store, each registered through {@link Meters} the first time
 * it records, so that recording is a field read and an add, with no registry lookup. Threadsafe (Micrometer meters are).
 */
final class MethodMeters {
    final Meters.Lazy<Timer> primarySuccess;
    final Meters.Lazy<Timer> primaryError;
    final Meters.Lazy<Timer> secondarySuccess;
    final Meters.Lazy<Timer> secondaryError;
    final Meters.Lazy<Counter> match;
    final Meters.Lazy<Counter> error;
    final Meters.Lazy<Counter> timeout;
    final Meters.Lazy<Counter> rejected;
    final Meters.Lazy<Counter> raced;
    final Meters.Lazy<Counter> warmUp;
    final Meters.Lazy<Counter> rolledBack;
    final List<Meters.Lazy<Counter>> mismatch;
    final Meters.Lazy<Counter> writeSuccess;
    final Meters.Lazy<Counter> writeError;
    final Meters.Lazy<Counter> writeTimeout;
    final Meters.Lazy<Counter> writeRejected;
    final Meters.Lazy<Counter> writeMismatch;
    final Meters.Lazy<Counter> writeWarmUp;
    final Meters.Lazy<Counter> writeRolledBack;

    MethodMeters(Meters registry, String method, String store, boolean read) {
        Tags tags = Tags.of(METHOD, method, STORE, store);
        primarySuccess = timer(registry, tags, "primary", SUCCESS);
        primaryError = timer(registry, tags, "primary", ERROR);
        secondarySuccess = timer(registry, tags, "secondary", SUCCESS);
        secondaryError = timer(registry, tags, "secondary", ERROR);
        match = read ? comparison(registry, tags, MATCH, NO_KIND) : null;
        error = read ? comparison(registry, tags, ERROR, NO_KIND) : null;
        timeout = read ? comparison(registry, tags, TIMEOUT, NO_KIND) : null;
        rejected = read ? comparison(registry, tags, REJECTED, NO_KIND) : null;
        raced = read ? comparison(registry, tags, RACED, NO_KIND) : null;
        warmUp = read ? comparison(registry, tags, WARMUP, NO_KIND) : null;
        rolledBack = read ? comparison(registry, tags, ROLLED_BACK, NO_KIND) : null;
        List<Meters.Lazy<Counter>> byKind = new ArrayList<>();
        for (MismatchKind k : MismatchKind.values()) {
            byKind.add(read ? comparison(registry, tags, MISMATCH, k.tag()) : null);
        }
        mismatch = Collections.unmodifiableList(byKind);
        boolean write = !read;
        writeSuccess = write ? write(registry, tags, SUCCESS) : null;
        writeError = write ? write(registry, tags, ERROR) : null;
        writeTimeout = write ? write(registry, tags, TIMEOUT) : null;
        writeRejected = write ? write(registry, tags, REJECTED) : null;
        writeMismatch = write ? write(registry, tags, MISMATCH) : null;
        writeWarmUp = write ? write(registry, tags, WARMUP) : null;
        writeRolledBack = write ? write(registry, tags, ROLLED_BACK) : null;
    }

    Meters.Lazy<Timer> timer(boolean primary, boolean success) {
        return primary ? (success ? primarySuccess : primaryError) : (success ? secondarySuccess : secondaryError);
    }

    private static Meters.Lazy<Timer> timer(Meters registry, Tags tags, String role, String outcome) {
        return registry.timer(CALLS, "Calls to each store, by role when called and outcome",
                tags.and(ROLE, role, OUTCOME, outcome));
    }

    private static Meters.Lazy<Counter> comparison(Meters registry, Tags tags, String result, String kind) {
        return registry.counter(COMPARISONS, "Read comparisons of a secondary's answer with the primary's",
                tags.and(RESULT, result, KIND, kind));
    }

    private static Meters.Lazy<Counter> write(Meters registry, Tags tags, String result) {
        return registry.counter(WRITES, "Writes shadowed to a secondary", tags.and(RESULT, result));
    }
}
