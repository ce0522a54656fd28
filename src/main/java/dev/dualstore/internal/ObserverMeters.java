package dev.dualstore.internal;

import static dev.dualstore.metrics.MeterNames.ERROR;
import static dev.dualstore.metrics.MeterNames.OBSERVED;
import static dev.dualstore.metrics.MeterNames.OBSERVER;
import static dev.dualstore.metrics.MeterNames.REJECTED;
import static dev.dualstore.metrics.MeterNames.RESULT;
import static dev.dualstore.metrics.MeterNames.SUCCESS;
import static dev.dualstore.metrics.MeterNames.TIMEOUT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;

/** The meters of one write observer, registered through {@link Meters}. Threadsafe. */
final class ObserverMeters {
    final Meters.Lazy<Counter> success;
    final Meters.Lazy<Counter> error;
    final Meters.Lazy<Counter> timeout;
    final Meters.Lazy<Counter> rejected;

    ObserverMeters(Meters meters, String observer) {
        Tags tags = Tags.of(OBSERVER, observer);
        success = counter(meters, tags, SUCCESS);
        error = counter(meters, tags, ERROR);
        timeout = counter(meters, tags, TIMEOUT);
        rejected = counter(meters, tags, REJECTED);
    }

    private static Meters.Lazy<Counter> counter(Meters meters, Tags tags, String result) {
        return meters.counter(OBSERVED, "Writes delivered to a write observer", tags.and(RESULT, result));
    }
}
