package dev.dualstore.internal;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.dualstore.Mismatch;
import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import dev.dualstore.Redactor;
import dev.dualstore.testing.FakeTicker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.slf4j.Logger;

/** The default mismatch log: rate-limited, and free of record values unless a redactor is given. */
class MismatchLogTest {

    private static final Mismatch MISMATCH = new Mismatch("follows", "followers", "dynamo", "pg",
            List.of("secret-channel"), Outcome.returned(List.of("secret-alice")), Outcome.returned(List.of()),
            MismatchKind.MISSING, "secondary lacks 1 of the primary's 1 elements");

    private final Logger logger = mock(Logger.class);
    private final FakeTicker ticker = new FakeTicker();

    @Test
    void logsNoRecordValuesByDefault() {
        when(logger.isWarnEnabled()).thenReturn(true);
        new MismatchLog(logger, new LogLimiter(ticker, Duration.ofSeconds(1).toNanos()), null).onMismatch(MISMATCH);

        ArgumentCaptor<Object[]> args = ArgumentCaptor.forClass(Object[].class);
        verify(logger).warn(anyString(), args.capture());
        String logged = Arrays.toString(args.getValue());
        org.assertj.core.api.Assertions.assertThat(logged).contains("missing").contains("dynamo")
                .doesNotContain("secret");
    }

    @Test
    void logsValuesOnlyThroughTheRedactor() {
        when(logger.isWarnEnabled()).thenReturn(true);
        Redactor redactor = v -> String.valueOf(v).replace("secret", "***");
        new MismatchLog(logger, new LogLimiter(ticker, Duration.ofSeconds(1).toNanos()), redactor).onMismatch(MISMATCH);

        ArgumentCaptor<Object[]> args = ArgumentCaptor.forClass(Object[].class);
        verify(logger).warn(anyString(), args.capture());
        String logged = Arrays.toString(args.getValue());
        org.assertj.core.api.Assertions.assertThat(logged).contains("***-alice").contains("***-channel")
                .doesNotContain("secret");
    }

    @Test
    void logsAtMostOneLinePerIntervalAndSaysHowManyWereDropped() {
        when(logger.isWarnEnabled()).thenReturn(true);
        MismatchLog log = new MismatchLog(logger, new LogLimiter(ticker, Duration.ofSeconds(1).toNanos()), null);

        for (int i = 0; i < 5; i++) {
            log.onMismatch(MISMATCH);
        }
        verify(logger, times(1)).warn(anyString(), any(Object[].class));

        ticker.advance(Duration.ofSeconds(1));
        log.onMismatch(MISMATCH);
        ArgumentCaptor<Object[]> args = ArgumentCaptor.forClass(Object[].class);
        verify(logger, times(2)).warn(anyString(), args.capture());
        org.assertj.core.api.Assertions.assertThat(Arrays.toString(args.getValue())).contains("4 more mismatches");
    }

    @Test
    void doesNothingWhenWarnIsOff() {
        when(logger.isWarnEnabled()).thenReturn(false);
        new MismatchLog(logger, new LogLimiter(ticker, 1), null).onMismatch(MISMATCH);
        verify(logger, never()).warn(anyString(), any(Object[].class));
    }
}
