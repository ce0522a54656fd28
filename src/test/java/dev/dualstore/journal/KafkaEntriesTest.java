package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The record values of a {@link KafkaJournal}: what {@link KafkaEntries#encode} writes reads back, and nothing else does. */
class KafkaEntriesTest {
    private static final Instant TIME = Instant.parse("2026-12-04T10:15:30.123Z");

    private static JournalEntry entry(String key, String arguments) {
        return new JournalEntry(1, TIME, "follows", "old", "put(java.lang.String,java.lang.String)", key, arguments, false);
    }

    private static JournalEntry roundTrip(JournalEntry e) {
        return KafkaEntries.decode("j", 0, 41, e.key(), KafkaEntries.encode(e));
    }

    @Test
    void everyEntryReadsBackAsWrittenAtItsOffsetPlusOne() {
        JournalEntry[] entries = {
            entry("[\"k1\"]", "[\"k1\",\"v\"]"),
            entry(null, "[]"),
            entry("[\"quote \\\" backslash \\\\\"]", "[\"line\\nbreak\\ttab\",\"\\u0001\"]"),
            entry("[\"é ü 中文 😀\"]", "[\"é ü 中文 😀 \\uFFFD\"]"),
            new JournalEntry(1, TIME, "b", "s", "m()", "[1]", "{\"a\":[1,2,{\"b\":null}]}", true),
        };
        for (JournalEntry e : entries) {
            JournalEntry read = roundTrip(e);
            assertThat(read.position()).isEqualTo(42);
            assertThat(read).usingRecursiveComparison().ignoringFields("position").isEqualTo(e);
        }
    }

    @Test
    void aValueLaidOutOtherwiseIsReadByTheGeneralParserAndStillChecked() {
        JournalEntry e = entry("[\"k1\"]", "[\"k1\",\"v\"]");
        String written = new String(KafkaEntries.encode(e), StandardCharsets.UTF_8);
        // The same fields, reordered and spaced as a person editing the record might leave them.
        String crc = written.substring(written.indexOf("\"crc\":") + 6, written.length() - 1);
        String edited = "{ \"crc\": " + crc + ", \"threw\": false, \"args\": \"[\\\"k1\\\",\\\"v\\\"]\", \"key\": \"[\\\"k1\\\"]\","
                + " \"method\": \"" + e.method() + "\", \"store\": \"old\", \"backend\": \"follows\", \"time\": "
                + TIME.toEpochMilli() + ", \"v\": 1 }";
        JournalEntry read = KafkaEntries.decode("j", 0, 0, e.key(), edited.getBytes(StandardCharsets.UTF_8));
        assertThat(read).usingRecursiveComparison().ignoringFields("position").isEqualTo(e);

        String altered = edited.replace("\"store\": \"old\"", "\"store\": \"olD\"");
        assertThatThrownBy(() -> KafkaEntries.decode("j", 3, 7, e.key(), altered.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("partition 3").hasMessageContaining("7")
                .hasMessageContaining("checksum");
    }

    @Test
    void everyTornValueIsRefusedNamingItsPlace() {
        JournalEntry e = entry("[\"k\\\"1\"]", "[\"k\\\"1\",\"v\\\\\"]");
        byte[] whole = KafkaEntries.encode(e);
        for (int length = 0; length < whole.length; length++) {
            byte[] torn = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> KafkaEntries.decode("j", 2, 9, e.key(), torn)).as("cut at %d", length)
                    .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("partition 2");
        }
    }

    @Test
    void malformedUtf8IsRefusedEvenWhereTheTextWouldParse() {
        JournalEntry e = entry("[\"k\"]", "[\"k\",\"v\"]");
        byte[] bytes = KafkaEntries.encode(e);
        byte[] bad = new String(bytes, StandardCharsets.UTF_8).replace("\"v\"", "\"#\"").getBytes(StandardCharsets.UTF_8);
        int at = new String(bad, StandardCharsets.UTF_8).indexOf('#');
        bad[at] = (byte) 0xC3; // a lead byte with no continuation
        byte[] value = bad;
        assertThatThrownBy(() -> KafkaEntries.decode("j", 0, 5, e.key(), value))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("torn");
    }
}
