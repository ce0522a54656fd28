package dev.dualstore.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The throttle holds every thread together under the rate: its lower bound is exact. */
class PacerTest {
    @Test
    void threadsTogetherStayUnderTheRate() throws Exception {
        Pacer pacer = new Pacer(20_000);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5; i++) {
                    pacer.acquire(500);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        // 10,000 rows at 20,000 rows/s: the last reservation starts 9,500 rows' time after the first.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(475));
    }

    @Test
    void zeroIsUnthrottled() {
        Pacer pacer = new Pacer(0);
        long start = System.nanoTime();
        pacer.acquire(Long.MAX_VALUE / 2);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }
}
