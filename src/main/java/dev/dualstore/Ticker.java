package dev.dualstore;

/**
 * A source of nanosecond time used to time store calls and to run their deadlines. Injectable so
 * tests control time (a deadline expires when the ticker passes it); the default is
 * {@link System#nanoTime()}. Must be threadsafe. A reading that throws is counted as a
 * {@code ticker} callback error and replaced by {@link System#nanoTime()}.
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
