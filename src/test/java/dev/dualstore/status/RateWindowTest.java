package dev.dualstore.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateWindowTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void noRateBeforeASecondReading() {
        RateWindow window = new RateWindow(60 * SECOND);
        assertThat(window.record(0, 0, 0)).isNull();
        assertThat(window.record(2 * SECOND, 10, 4)).containsExactly(5.0, 2.0);
    }

    @Test
    void theRateLooksBackOverTheWindowOnly() {
        RateWindow window = new RateWindow(10 * SECOND);
        // 100 calls a second for 20 s, then 10 a second.
        long calls = 0;
        for (int s = 0; s <= 20; s++) {
            window.record(s * SECOND, calls, 0);
            calls += 100;
        }
        calls -= 100;
        for (int s = 21; s <= 40; s++) {
            calls += 10;
            window.record(s * SECOND, calls, 0);
        }
        double[] rates = window.record(41 * SECOND, calls + 10, 0);
        // The oldest reading kept is 10 to 11 s old, all of it in the slow period.
        assertThat(rates[0]).isBetween(9.0, 11.0);
    }

    @Test
    void aPageReadLessOftenThanTheWindowStillHasARate() {
        RateWindow window = new RateWindow(10 * SECOND);
        window.record(0, 0, 0);
        assertThat(window.record(100 * SECOND, 1_000, 10)).containsExactly(10.0, 0.1);
        assertThat(window.record(200 * SECOND, 1_000, 10)).containsExactly(0.0, 0.0);
    }

    @Test
    void totalsThatFallStartOver() {
        RateWindow window = new RateWindow(10 * SECOND);
        window.record(0, 500, 5);
        assertThat(window.record(SECOND, 3, 0)).as("a backend closed and built again: meters from zero").isNull();
        assertThat(window.record(2 * SECOND, 13, 1)).containsExactly(10.0, 1.0);
    }

    @Test
    void memoryDoesNotGrowWithRequests() throws Exception {
        RateWindow window = new RateWindow(60 * SECOND);
        for (long t = 0; t < 1_000_000; t++) {
            window.record(t * 1_000_000L, t, 0);   // a reading every millisecond for 1,000 s
        }
        var field = RateWindow.class.getDeclaredField("readings");
        field.setAccessible(true);
        assertThat(((java.util.ArrayDeque<?>) field.get(window)).size()).isBetween(60, 62);
    }
}
