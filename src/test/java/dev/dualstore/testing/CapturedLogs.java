package dev.dualstore.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A JUnit 5 extension that captures what dualstore logs during each test, from any thread, so the
 * test can assert on it and the build log stays clean:
 *
 * <pre>{@code
 * @RegisterExtension
 * final CapturedLogs logs = CapturedLogs.dualstore();
 * ...
 * assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "put"));
 * assertThat(logs.messages()).noneMatch(m -> m.contains("alice")); // no record value
 * }</pre>
 *
 * <p>For the duration of a test the captured loggers log at DEBUG and above into this extension
 * only (their events reach no console); afterwards their level and additivity are restored. Built
 * on Logback's {@link ListAppender}. The events are read while dispatcher threads may still log:
 * every method returns a copy. Threadsafe.
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {
    /** dualstore's own logger: divergences, callback failures, close. */
    public static final String LIBRARY = "dev.dualstore";
    /** The default mismatch log ({@code logMismatches}). */
    public static final String MISMATCHES = "dev.dualstore.mismatch";

    /** One captured event: {@code message} is formatted; {@code throwable} is null when none was logged. */
    public record Event(Level level, String logger, String thread, String message, Throwable throwable) {
        /**
         * Whether this event identifies {@code failure}: it carries it as its throwable, or its
         * message names the failure's class (a one-line log may do that instead of a stack trace).
         */
        public boolean identifies(Throwable failure) {
            return throwable == failure || message.contains(failure.getClass().getName());
        }

        @Override
        public String toString() {
            return level + " " + logger + " [" + thread + "] " + message
                    + (throwable == null ? "" : " (" + throwable + ")");
        }
    }

    private final List<String> loggerNames;
    private final List<Saved> saved = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            // Formats the message and fixes the thread name now, on the logging thread.
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    private CapturedLogs(List<String> loggerNames) {
        this.loggerNames = List.copyOf(loggerNames);
    }

    /** Captures {@value #LIBRARY} and {@value #MISMATCHES}. */
    public static CapturedLogs dualstore() {
        return new CapturedLogs(List.of(LIBRARY, MISMATCHES));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LoggerContext loggers = loggerContext();
        appender.setContext(loggers);
        appender.setName("captured-logs");
        synchronized (appender) { // a static extension serves many tests: each starts empty
            appender.list.clear();
        }
        appender.start();
        // Each captured logger gets the appender and stops passing events up, so every event is
        // captured once (a child's stops at the child) and none reaches the console.
        for (String name : loggerNames) {
            Logger logger = loggers.getLogger(name);
            saved.add(new Saved(logger, logger.getLevel(), logger.isAdditive()));
            logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
            logger.setAdditive(false);
            logger.addAppender(appender);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Saved s : saved) {
            s.logger.detachAppender(appender);
            s.logger.setAdditive(s.additive);
            s.logger.setLevel(s.level);
        }
        saved.clear();
        appender.stop();
    }

    /** @return every event captured so far, in the order they were logged */
    public List<Event> events() {
        List<ILoggingEvent> copy;
        synchronized (appender) { // AppenderBase appends while holding the appender's lock
            copy = List.copyOf(appender.list);
        }
        return copy.stream().map(CapturedLogs::event).toList();
    }

    /** @return the events of exactly {@code logger} (not its children) at {@code level}, in order */
    public List<Event> events(Level level, String logger) {
        return events().stream().filter(e -> e.level() == level && e.logger().equals(logger)).toList();
    }

    /** @return the WARN events of exactly {@code logger}, in order */
    public List<Event> warnings(String logger) {
        return events(Level.WARN, logger);
    }

    /** @return the formatted message of every event captured so far */
    public List<String> messages() {
        return events().stream().map(Event::message).toList();
    }

    /**
     * For {@code anySatisfy}/{@code allSatisfy}: the event's message contains every one of
     * {@code parts} (names of backends, stores and methods; not the wording, which may change).
     */
    public static Consumer<Event> mentioning(String... parts) {
        return e -> org.assertj.core.api.Assertions.assertThat(e.message()).contains(parts);
    }

    private static Event event(ILoggingEvent e) {
        IThrowableProxy proxy = e.getThrowableProxy();
        Throwable throwable = proxy instanceof ThrowableProxy p ? p.getThrowable() : null;
        return new Event(Level.valueOf(e.getLevel().toString()), e.getLoggerName(), e.getThreadName(),
                e.getFormattedMessage(), throwable);
    }

    private static LoggerContext loggerContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("CapturedLogs needs Logback as the SLF4J backend of the tests, found "
                    + factory.getClass().getName());
        }
        return context;
    }

    private record Saved(Logger logger, ch.qos.logback.classic.Level level, boolean additive) {}
}
