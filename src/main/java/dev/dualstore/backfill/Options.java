package dev.dualstore.backfill;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/** The checks the copy builders share: each option set once, and the bounds of the common ones. Not threadsafe. */
final class Options {
    private final Set<String> set = new HashSet<>();

    /** @throws IllegalStateException if {@code option} was set already */
    void once(String option) {
        if (!set.add(option)) {
            throw new IllegalStateException(option + " is already set");
        }
    }

    static String job(String job) {
        Objects.requireNonNull(job, "job");
        if (job.isBlank() || job.length() > 200) {
            throw new IllegalArgumentException("a job name is 1 to 200 characters, not blank: '" + job + "'");
        }
        return job;
    }

    /** The default job name: {@code <kind> <source> -> <target>}, cut to 200 characters. */
    static String jobName(String kind, String source, String target) {
        String name = kind + " " + source + " -> " + target;
        return name.length() <= 200 ? name : name.substring(0, 200);
    }

    static long rowsPerSecond(long rowsPerSecond) {
        if (rowsPerSecond < 0) {
            throw new IllegalArgumentException("maxRowsPerSecond must be 0 (unthrottled) or more, was " + rowsPerSecond);
        }
        return rowsPerSecond;
    }

    static int rows(String option, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + rows);
        }
        return rows;
    }
}
