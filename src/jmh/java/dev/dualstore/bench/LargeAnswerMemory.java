package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Read;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Can the mirror run the service out of memory? One caller reads, as fast as it can, pages of
 * ~1,000 short strings (~80 KB each, built fresh per call as a database driver would) through
 * dualstore, while the secondary takes 50 ms per call. Prints the heap used after a full GC every
 * 10 s, and how many reads were compared and shed. Run it on a small heap: the heap must stay
 * flat, the overflow counted {@code rejected}.
 *
 * <p>Run: {@code java -Xms512m -Xmx512m -cp target/benchmarks.jar dev.dualstore.bench.LargeAnswerMemory 60 50}
 * (seconds, secondary's milliseconds per call).
 */
public final class LargeAnswerMemory {
    private LargeAnswerMemory() {}

    /** A DAO whose read answers with a large list. */
    public interface Catalog {
        @Read
        List<String> page(int number);
    }

    static final class ListCatalog implements Catalog {
        private final long delayMillis;

        ListCatalog(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public List<String> page(int number) {
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<String> rows = new ArrayList<>(1_000);
            for (int i = 0; i < 1_000; i++) {
                rows.add("row-" + number + "-" + i + "-some-text");
            }
            return rows;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        long secondaryMillis = args.length > 1 ? Long.parseLong(args[1]) : 50;
        System.out.printf("java %s, max heap %d MiB; %d s of reads of ~80 KB answers, secondary %d ms per call%n",
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, seconds, secondaryMillis);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long before = LoadReport.usedAfterGc();
        MirroringBackend<Catalog> backend = MirroringBackend.builder(Catalog.class)
                .name("catalog").primary("old", new ListCatalog(0)).secondary("new", new ListCatalog(secondaryMillis))
                .meterRegistry(registry).build();
        Catalog proxy = backend.proxy();
        System.out.printf("heap used before (after GC): %.1f MiB%n", LoadReport.mib(before));
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        long calls = 0;
        long peak = before;
        while (System.nanoTime() < end) {
            proxy.page((int) (calls & 1023));
            calls++;
            if (System.nanoTime() >= nextReport) {
                long used = LoadReport.usedAfterGc();
                peak = Math.max(peak, used);
                System.out.printf("t=%3ds reads=%,d heap used (after GC) %.1f MiB, compared %.0f, shed %.0f%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), calls, LoadReport.mib(used),
                        LoadReport.count(registry, "dualstore.comparisons", "result", "match"),
                        LoadReport.count(registry, "dualstore.comparisons", "result", "rejected"));
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
        }
        System.out.printf("reads %,d; peak heap used (after GC) %.1f MiB, %+.1f MiB over before; drained %s%n", calls,
                LoadReport.mib(peak), LoadReport.mib(peak - before), backend.drain(Duration.ofSeconds(60)));
        backend.close();
    }


}
