/**
 * dualstore: zero-downtime datastore migrations behind a service's own DAO interfaces.
 *
 * <p>Only the API packages are exported; {@code dev.dualstore.internal} is the engine and may
 * change in any release.
 */
module dev.dualstore {
    requires org.slf4j;
    requires micrometer.core;

    exports dev.dualstore;
    exports dev.dualstore.compare;
    exports dev.dualstore.metrics;
}
