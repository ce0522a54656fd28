/**
 * dualstore: zero-downtime datastore migrations behind a service's own DAO interfaces.
 *
 * <p>Only the API packages are exported; {@code dev.dualstore.internal} is the engine and may
 * change in any release.
 */
// Micrometer ships no module descriptor, only an automatic module name; that is expected here.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.dualstore {
    requires org.slf4j;
    // Transitive: MeterRegistry is part of the builder's API.
    requires transitive micrometer.core;
    // Optional: only dev.dualstore.spring needs it, and only when a service uses it.
    requires static spring.tx;
    // Spring's transaction API names javax.sql types; the JDBC layer will need it too.
    requires static java.sql;

    exports dev.dualstore;
    exports dev.dualstore.compare;
    exports dev.dualstore.metrics;
    exports dev.dualstore.spi;
    exports dev.dualstore.spring;
}
