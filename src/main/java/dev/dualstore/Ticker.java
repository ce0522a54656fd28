package dev.dualstore;

/**
 * A source of nanosecond time used to time store calls and rate-limit logs. Injectable so tests
 * control time; the default is {@link System#nanoTime()}. Must be threadsafe.
 */
@FunctionalInterface
public interface Ticker {
    /** @return the current time in nanoseconds, from an arbitrary origin */
    long read();

    /** @return the ticker backed by {@link System#nanoTime()} */
    static Ticker system() {
        return System::nanoTime;
    }
}
