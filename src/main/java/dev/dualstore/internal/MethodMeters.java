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
import static dev.dualstore.metrics.MeterNames.ROLE;
import static dev.dualstore.metrics.MeterNames.STORE;
import static dev.dualstore.metrics.MeterNames.SUCCESS;
import static dev.dualstore.metrics.MeterNames.TIMEOUT;
import static dev.dualstore.metrics.MeterNames.WRITES;

import dev.dualstore.MismatchKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one method on one store, registered through {@link Meters} once at build time,
 * so that recording is a field read and an add, with no registry lookup. Threadsafe (Micrometer meters are).
 */
final class MethodMeters {
    final Timer primarySuccess;
    final Timer primaryError;
    final Timer secondarySuccess;
    final Timer secondaryError;
    final Counter match;
    final Counter error;
    final Counter timeout;
    final Counter rejected;
    final Counter raced;
    final Counter[] mismatch;
    final Counter writeSuccess;
    final Counter writeError;
    final Counter writeTimeout;
    final Counter writeRejected;

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
        mismatch = new Counter[MismatchKind.values().length];
        for (MismatchKind k : MismatchKind.values()) {
            mismatch[k.ordinal()] = read ? comparison(registry, tags, MISMATCH, k.tag()) : null;
        }
        boolean write = !read;
        writeSuccess = write ? write(registry, tags, SUCCESS) : null;
        writeError = write ? write(registry, tags, ERROR) : null;
        writeTimeout = write ? write(registry, tags, TIMEOUT) : null;
        writeRejected = write ? write(registry, tags, REJECTED) : null;
    }

    Timer timer(boolean primary, boolean success) {
        return primary ? (success ? primarySuccess : primaryError) : (success ? secondarySuccess : secondaryError);
    }

    private static Timer timer(Meters registry, Tags tags, String role, String outcome) {
        return registry.timer(CALLS, "Calls to each store, by role when called and outcome",
                tags.and(ROLE, role, OUTCOME, outcome));
    }

    private static Counter comparison(Meters registry, Tags tags, String result, String kind) {
        return registry.counter(COMPARISONS, "Read comparisons of a secondary's answer with the primary's",
                tags.and(RESULT, result, KIND, kind));
    }

    private static Counter write(Meters registry, Tags tags, String result) {
        return registry.counter(WRITES, "Writes shadowed to a secondary", tags.and(RESULT, result));
    }
}
