package dev.dualstore.journal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.util.Objects;

/**
 * The options a journal's and a replayer's builders share: where meters go, the clock, and the
 * batch size. Not threadsafe, like the builders.
 *
 * @param <B> the builder
 */
abstract class Options<B extends Options<B>> {
    MeterRegistry registry = Metrics.globalRegistry;
    Clock clock = Clock.systemUTC();
    int batchSize = 500;

    Options() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * @param registry where the meters go; default Micrometer's global registry
     * @return this builder
     */
    public B meterRegistry(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        return self();
    }

    /**
     * @param clock the time a journal records with each entry, and a replayer measures lag by;
     *              default the system clock (UTC)
     * @return this builder
     */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /**
     * @param entries the most entries a journal appends in one transaction, or a replayer reads,
     *                applies and checkpoints at once; default 500
     * @return this builder
     */
    public B batchSize(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + entries);
        }
        this.batchSize = entries;
        return self();
    }
}
