package dev.dualstore.journal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link KafkaJournal}'s record values: each entry as one JSON object in UTF-8, with a CRC-32C
 * checksum over every field but the position (the broker assigns the offset after the producer
 * wrote the checksum). The record's key is the entry's key text. An entry's {@link
 * JournalEntry#position()} is its offset plus one, so positions start at 1 as in every journal.
 * Stateless; threadsafe.
 */
final class KafkaEntries {
    /** The format's version, first in each value, so a later format can be told apart. */
    private static final int VERSION = 1;

    private KafkaEntries() {
    }

    /** @return the offset of an entry read from Kafka */
    static long offset(JournalEntry entry) {
        return entry.position() - 1;
    }

    /** @return the record value of {@code entry} (its position is ignored) */
    static byte[] encode(JournalEntry entry) {
        JournalEntry unplaced = at(1, entry);
        StringBuilder out = new StringBuilder(128 + entry.arguments().length());
        out.append("{\"v\":").append(VERSION).append(",\"time\":").append(entry.time().toEpochMilli());
        field(out, "backend", entry.backend());
        field(out, "store", entry.store());
        field(out, "method", entry.method());
        field(out, "key", entry.key());
        field(out, "args", entry.arguments());
        out.append(",\"threw\":").append(entry.threw());
        out.append(",\"crc\":").append(unplaced.checksum()).append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
        } else {
            JsonText.quote(out, value);
        }
    }

    /**
     * @return the entry a record holds, checked, at position {@code offset + 1}
     * @throws JournalCorruptedException if the value is torn, fails its checksum, or its key is not the record's
     */
    static JournalEntry decode(String journal, int partition, long offset, String recordKey, byte[] value) {
        JournalEntry entry;
        long stored;
        try {
            if (value == null) {
                throw new IllegalArgumentException("it has no value");
            }
            String text = new String(value, StandardCharsets.UTF_8);
            if (text.indexOf('\uFFFD') >= 0) {
                // Malformed bytes decode to U+FFFD: decode again strictly, to tell them from a real one.
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            }
            Decoded decoded = inOrder(text);
            if (decoded == null) {
                // Not laid out as encode() writes it (edited, or torn): the general parser names the fault.
                decoded = general(text);
            }
            entry = decoded.entry();
            stored = decoded.checksum();
        } catch (CharacterCodingException | RuntimeException e) {
            throw new JournalCorruptedException(journal, partition, offset, "is torn: " + e.getMessage());
        }
        if (entry.checksum() != stored) {
            throw new JournalCorruptedException(journal, partition, offset, "fails its checksum (stored " + stored
                    + ", computed " + entry.checksum() + ")");
        }
        if (!Objects.equals(recordKey, entry.key())) {
            throw new JournalCorruptedException(journal, partition, offset, "has record key " + recordKey
                    + " but its entry's key is " + entry.key());
        }
        return at(offset + 1, entry);
    }

    private record Decoded(JournalEntry entry, long checksum) {
    }

    /** @return the entry of a value laid out field by field as {@link #encode} writes it, or null if it is not */
    private static Decoded inOrder(String text) {
        JsonText in = JsonText.fields(text);
        if (!in.field("v") || in.longValue() != VERSION || !in.field("time")) {
            return null;
        }
        long time = in.longValue();
        String backend = in.field("backend") ? in.stringOrNull() : null;
        String store = backend != null && in.field("store") ? in.stringOrNull() : null;
        String method = store != null && in.field("method") ? in.stringOrNull() : null;
        if (method == null || !in.field("key")) {
            return null;
        }
        String key = in.stringOrNull();
        if (!in.field("args")) {
            return null;
        }
        String args = in.stringOrNull();
        if (args == null || !in.field("threw")) {
            return null;
        }
        boolean threw = in.booleanValue();
        if (!in.field("crc")) {
            return null;
        }
        long crc = in.longValue();
        if (!in.endsHere()) {
            return null;
        }
        return new Decoded(new JournalEntry(1, Instant.ofEpochMilli(time), backend, store, method, key, args, threw), crc);
    }

    private static Decoded general(String text) {
        if (!(JsonText.parse(text) instanceof Map<?, ?> json)) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        if (!Objects.equals(number(json, "v"), (long) VERSION)) {
            throw new IllegalArgumentException("its format version is " + json.get("v") + ", not " + VERSION);
        }
        JournalEntry entry = new JournalEntry(1, Instant.ofEpochMilli(number(json, "time")), (String) json.get("backend"),
                (String) json.get("store"), (String) json.get("method"), (String) json.get("key"),
                (String) json.get("args"), (Boolean) json.get("threw"));
        return new Decoded(entry, number(json, "crc"));
    }

    private static Long number(Map<?, ?> json, String field) {
        if (!(json.get(field) instanceof JsonText.Num n)) {
            throw new IllegalArgumentException("field " + field + " is not a number");
        }
        return Long.valueOf(n.text());
    }

    private static JournalEntry at(long position, JournalEntry e) {
        return new JournalEntry(position, e.time(), e.backend(), e.store(), e.method(), e.key(), e.arguments(), e.threw());
    }
}
