package dev.dualstore.bench;

/** The keys and values every benchmark reads: 1024 of each, created once so no call allocates them. */
final class Data {

    static final int SIZE = 1024;
    static final int MASK = SIZE - 1;
    static final String[] KEYS = new String[SIZE];
    static final String[] VALUES = new String[SIZE];

    static {
        for (int i = 0; i < SIZE; i++) {
            KEYS[i] = "user:" + i;
            VALUES[i] = "value-of-user:" + i;
        }
    }

    private Data() {}
}
