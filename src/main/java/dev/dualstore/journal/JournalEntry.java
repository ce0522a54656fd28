package dev.dualstore.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One write the primary applied, as a journal holds it. Immutable; safe to share.
 *
 * @param position  its place in the journal: 1 for the first entry, then one more for each entry,
 *                  with no gaps, in the order the journal recorded them (which, for one key, is
 *                  the order the primary applied them)
 * @param time      when the journal received it
 * @param backend   the name of the backend that proxied the call
 * @param store     the name of the store that applied it (the primary at the time)
 * @param method    the method's {@link ArgumentCodec#signature signature}
 * @param key       the call's key as journal text, or null for a write without a key; see
 *                  {@link #decodedKey()}
 * @param arguments the arguments as the journal's {@link ArgumentCodec} encoded them
 * @param threw     whether the primary threw (one of the method's expected exceptions)
 */
public record JournalEntry(long position, Instant time, String backend, String store, String method, String key,
        String arguments, boolean threw) {
    /** Checks the fields. */
    public JournalEntry {
        if (position < 1) {
            throw new IllegalArgumentException("a journal position is at least 1, was " + position);
        }
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(arguments, "arguments");
    }

    /**
     * @return the call's key as the write had it ({@code Invocation.key()}): a scalar, a list for a
     *     composite key, or null
     */
    public Object decodedKey() {
        return JournalKeys.decode(key);
    }

    /** The checksum stored with the entry: CRC-32C over every field, each length-prefixed. */
    long checksum() {
        CRC32C crc = new CRC32C();
        update(crc, Long.toString(position));
        update(crc, Long.toString(time.toEpochMilli()));
        update(crc, backend);
        update(crc, store);
        update(crc, method);
        update(crc, key == null ? "\0null" : key);
        update(crc, arguments);
        update(crc, threw ? "1" : "0");
        return crc.getValue();
    }

    private static void update(CRC32C crc, String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        crc.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        crc.update(':');
        crc.update(bytes);
    }
}
