package dev.dualstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.CapturedLogs.Event;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The log capture itself: what it captures, from which threads, and what it leaves behind. */
class CapturedLogsTest {
    private final Logger library = LoggerFactory.getLogger(CapturedLogs.LIBRARY);
    private final Logger mismatches = LoggerFactory.getLogger(CapturedLogs.MISMATCHES);
    private final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void capturesEachEventOnceFromAnyThreadWithItsLevelLoggerMessageAndThrowable() throws Exception {
        IllegalStateException failure = new IllegalStateException("listener bug");
        logs.beforeEach(null);
        try {
            Thread dispatcher = new Thread(() -> library.warn("backend '{}': listener threw", "kv", failure),
                    "dualstore-kv-1");
            dispatcher.start();
            dispatcher.join();
            mismatches.warn("kv.get: secondary '{}' differs", "new");
            LoggerFactory.getLogger("dev.dualstore.internal.Anything").debug("detail");

            assertThat(logs.events()).containsExactly(
                    new Event(Level.WARN, CapturedLogs.LIBRARY, "dualstore-kv-1", "backend 'kv': listener threw", failure),
                    new Event(Level.WARN, CapturedLogs.MISMATCHES, Thread.currentThread().getName(),
                            "kv.get: secondary 'new' differs", null),
                    new Event(Level.DEBUG, "dev.dualstore.internal.Anything", Thread.currentThread().getName(),
                            "detail", null));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).extracting(Event::throwable).containsExactly(failure);
            assertThat(logs.warnings(CapturedLogs.MISMATCHES)).extracting(Event::message)
                    .containsExactly("kv.get: secondary 'new' differs");
            assertThat(logs.events(Level.ERROR, CapturedLogs.LIBRARY)).isEmpty();
        } finally {
            logs.afterEach(null);
        }
    }

    @Test
    void anEventIdentifiesAFailureItCarriesOrNamesByClass() {
        IllegalStateException failure = new IllegalStateException("listener bug");
        Event carried = new Event(Level.WARN, CapturedLogs.LIBRARY, "t", "listener threw", failure);
        Event named = new Event(Level.WARN, CapturedLogs.LIBRARY, "t", "listener threw java.lang.IllegalStateException", null);
        Event silent = new Event(Level.WARN, CapturedLogs.LIBRARY, "t", "listener threw", new IllegalStateException());

        assertThat(carried.identifies(failure)).isTrue();
        assertThat(named.identifies(failure)).isTrue();
        assertThat(silent.identifies(failure)).isFalse();
        assertThat(named.identifies(new IllegalArgumentException())).isFalse();
    }

    @Test
    void restoresTheLoggersAfterTheTest() {
        ch.qos.logback.classic.Logger logback = (ch.qos.logback.classic.Logger) library;
        ch.qos.logback.classic.Level levelBefore = logback.getLevel();
        boolean additiveBefore = logback.isAdditive();
        logs.beforeEach(null);
        assertThat(logback.iteratorForAppenders()).hasNext();
        assertThat(logback.isAdditive()).isFalse();
        logs.afterEach(null);

        assertThat(logback.iteratorForAppenders()).isExhausted();
        assertThat(logback.isAdditive()).isEqualTo(additiveBefore);
        assertThat(logback.getLevel()).isEqualTo(levelBefore);
    }

    @Test
    void eachTestStartsEmptyWhenOneCaptureServesSeveral() {
        logs.beforeEach(null);
        library.warn("first test");
        logs.afterEach(null);
        logs.beforeEach(null);
        try {
            library.warn("second test");
            assertThat(logs.messages()).containsExactly("second test");
        } finally {
            logs.afterEach(null);
        }
    }
}
