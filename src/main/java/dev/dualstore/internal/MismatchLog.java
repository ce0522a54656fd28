package dev.dualstore.internal;

import dev.dualstore.Mismatch;
import dev.dualstore.MismatchListener;
import dev.dualstore.Redactor;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The default {@link MismatchListener}: one WARN line per interval through SLF4J, with the kind
 * and the value-free description; arguments and answers only through the user's redactor.
 * Runs on dispatcher threads; threadsafe.
 */
final class MismatchLog implements MismatchListener {
    private final Logger logger;
    private final LogLimiter limiter;
    private final Redactor redactor;

    MismatchLog(Logger logger, LogLimiter limiter, Redactor redactor) {
        this.logger = logger;
        this.limiter = limiter;
        this.redactor = redactor;
    }

    @Override
    public void onMismatch(Mismatch m) {
        if (!logger.isWarnEnabled()) {
            return;
        }
        long suppressed = limiter.tryAcquire();
        if (suppressed < 0) {
            return;
        }
        String more = suppressed > 0 ? " (" + suppressed + " more mismatches not logged since the last line)" : "";
        if (redactor == null) {
            logger.warn("{}.{}: secondary '{}' differs from primary '{}': {}, {}{}",
                    m.backend(), m.method(), m.store(), m.primary(), m.kind().tag(), m.difference(), more);
            return;
        }
        List<String> args = new ArrayList<>(m.arguments().size());
        for (Object a : m.arguments()) {
            args.add(redactor.redact(a));
        }
        logger.warn("{}.{}: secondary '{}' differs from primary '{}': {}, {}{}; arguments {}, primary {}, secondary {}",
                m.backend(), m.method(), m.store(), m.primary(), m.kind().tag(), m.difference(), more,
                args, render(m.expected()), render(m.actual()));
    }

    private String render(dev.dualstore.Outcome outcome) {
        return outcome.threw() ? "threw " + outcome.exception().getClass().getName() : redactor.redact(outcome.value());
    }
}
