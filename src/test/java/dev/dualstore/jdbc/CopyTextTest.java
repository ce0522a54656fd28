package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** COPY's text form of timestamps, written without a formatter, is what the formatter writes. */
class CopyTextTest {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    @Test
    void timestampsAreWrittenAsTheFormatterWritesThem() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime time = LocalDateTime.of(random.nextInt(0, 10_000), random.nextInt(1, 13), random.nextInt(1, 29),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000_000));
            assertThat(micros(time)).isEqualTo(MICROS.format(time));
        }
    }

    @Test
    void edgesAndYearsOutsideFourDigits() {
        for (LocalDateTime time : new LocalDateTime[] {LocalDateTime.of(0, 1, 1, 0, 0), LocalDateTime.of(1, 1, 1, 0, 0, 0, 1_000),
            LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999), LocalDateTime.of(10_000, 1, 1, 0, 0),
            LocalDateTime.of(-1, 6, 15, 12, 30)}) {
            assertThat(micros(time)).isEqualTo(MICROS.format(time));
        }
        assertThat(micros(LocalDateTime.of(2024, 2, 29, 7, 5, 3, 40_000))).isEqualTo("2024-02-29 07:05:03.000040");
    }

    private static String micros(LocalDateTime time) {
        StringBuilder out = new StringBuilder();
        JdbcValues.appendMicros(out, time);
        return out.toString();
    }
}
