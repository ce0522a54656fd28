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
    // Static: only dev.dualstore.jdbc needs JDBC. A module that uses JdbcTable requires java.sql
    // itself (it makes the DataSource); a user of the engine alone never resolves it.
    requires static transitive java.sql;
    // Static and optional in the pom: the PostgreSQL COPY path (PgCopy) is loaded only when a
    // connection unwraps to pgjdbc's PGConnection. pgjdbc's automatic module name.
    requires static org.postgresql.jdbc;
    // Optional: only dev.dualstore.spring needs it, and only when a service uses it.
    requires static spring.tx;
    // Optional: only KafkaJournal and its replay need it. kafka-clients ships no module name; this
    // is the one Java derives from its jar's file name (kafka-clients-<version>.jar).
    requires static kafka.clients;
    // Optional: only JacksonCodec needs it.
    requires static com.fasterxml.jackson.databind;
    // Optional: only dev.dualstore.openfeature needs it, and only for a fleet driven by a flag.
    // The SDK's automatic module name.
    requires static dev.openfeature.sdk;
    // Static (and transitive, as StatusPage.handler() returns its HttpHandler): only
    // dev.dualstore.status serves HTTP, and only for a service that turns the page on. A service
    // that never does runs without the module, in a jlink image that left it out too; one that
    // does adds `requires jdk.httpserver;`, which StatusPage.Builder.build() asks for by name.
    requires static transitive jdk.httpserver;

    exports dev.dualstore;
    exports dev.dualstore.compare;
    exports dev.dualstore.metrics;
    exports dev.dualstore.spi;
    exports dev.dualstore.spring;
    exports dev.dualstore.table;
    exports dev.dualstore.jdbc;
    exports dev.dualstore.backfill;
    exports dev.dualstore.check;
    exports dev.dualstore.journal;
    exports dev.dualstore.fleet;
    exports dev.dualstore.openfeature;
    exports dev.dualstore.status;
}
