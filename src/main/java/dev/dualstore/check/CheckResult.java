package dev.dualstore.check;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one {@link Check} run found and did. Counts are of rows; a row repaired is also counted as
 * missing, extra or different. Immutable and threadsafe. {@link #summary()} is the plain-text
 * report, {@link #toJson()} the same for tooling; both show keys (the sample's), never values.
 */
public final class CheckResult {
    private final String name;
    private final String source;
    private final String target;
    private final boolean hashed;
    private final Repair repair;
    private final long rowsCompared;
    private final long missing;
    private final long extra;
    private final long different;
    private final long repaired;
    private final long skippedInFlight;
    private final long listedKeysChecked;
    private final long chunks;
    private final long chunksDiffering;
    private final Duration duration;
    private final List<Difference> sample;

    CheckResult(String name, String source, String target, boolean hashed, Repair repair, long[] counts, Duration duration,
            List<Difference> sample) {
        this.name = name;
        this.source = source;
        this.target = target;
        this.hashed = hashed;
        this.repair = repair;
        this.rowsCompared = counts[0];
        this.missing = counts[1];
        this.extra = counts[2];
        this.different = counts[3];
        this.repaired = counts[4];
        this.skippedInFlight = counts[5];
        this.listedKeysChecked = counts[6];
        this.chunks = counts[7];
        this.chunksDiffering = counts[8];
        this.duration = duration;
        this.sample = List.copyOf(sample);
    }

    /** The check's name (meter tag and log prefix). */
    public String name() {
        return name;
    }

    /** Source rows compared with the target (rows left out as in flight are not counted). */
    public long rowsCompared() {
        return rowsCompared;
    }

    /** Rows in the source that the target lacks. */
    public long missing() {
        return missing;
    }

    /** Rows in the target that the source lacks. */
    public long extra() {
        return extra;
    }

    /** Rows in both whose compared columns differ. */
    public long different() {
        return different;
    }

    /** Rows written or deleted in the target by the repair; 0 with {@link Repair#NONE}. */
    public long repaired() {
        return repaired;
    }

    /** Rows left out because they changed within the in-flight window. */
    public long skippedInFlight() {
        return skippedInFlight;
    }

    /** Keys listed by the live backend's {@code keysToRepair} that were checked first. */
    public long listedKeysChecked() {
        return listedKeysChecked;
    }

    /** Chunks of the key space compared. */
    public long chunks() {
        return chunks;
    }

    /** Chunks whose hashes (or rows) differed and were read row by row. */
    public long chunksDiffering() {
        return chunksDiffering;
    }

    /** Whether chunks were hashed inside the stores (else rows were streamed and compared). */
    public boolean hashed() {
        return hashed;
    }

    /** How long the run took. */
    public Duration duration() {
        return duration;
    }

    /** Whether the stores were found equal: nothing missing, extra or different. */
    public boolean equal() {
        return missing == 0 && extra == 0 && different == 0;
    }

    /** The first differences found (at most the check's sample size), in no particular order. */
    public List<Difference> sample() {
        return sample;
    }

    /** A few lines of plain text for a person: what was compared, what differed, what was repaired. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append("check ").append(name).append(": ").append(source).append(" -> ").append(target).append('\n');
        text.append(String.format(Locale.ROOT, "  %,d rows compared in %,d chunks (%s) in %.1f s%n", rowsCompared, chunks,
                hashed ? "hashed in the stores" : "rows streamed", duration.toMillis() / 1000.0));
        text.append(String.format(Locale.ROOT, "  %,d missing, %,d extra, %,d different%s%n", missing, extra, different,
                equal() ? ": the stores are equal" : ""));
        text.append(String.format(Locale.ROOT, "  repair %s: %,d rows repaired%n", repair, repaired));
        if (skippedInFlight > 0 || listedKeysChecked > 0) {
            text.append(String.format(Locale.ROOT, "  %,d rows skipped as in flight, %,d listed keys checked first%n",
                    skippedInFlight, listedKeysChecked));
        }
        for (Difference difference : sample) {
            text.append("  ").append(difference).append('\n');
        }
        return text.toString();
    }

    /** The result as one JSON object, for tooling; keys of the sample as strings, no values. */
    public String toJson() {
        StringBuilder json = new StringBuilder("{");
        field(json, "check", name).append(',');
        field(json, "source", source).append(',');
        field(json, "target", target).append(',');
        json.append("\"hashed\":").append(hashed).append(',');
        field(json, "repair", repair.name()).append(',');
        json.append("\"rowsCompared\":").append(rowsCompared).append(",\"missing\":").append(missing)
                .append(",\"extra\":").append(extra).append(",\"different\":").append(different)
                .append(",\"repaired\":").append(repaired).append(",\"skippedInFlight\":").append(skippedInFlight)
                .append(",\"listedKeysChecked\":").append(listedKeysChecked).append(",\"chunks\":").append(chunks)
                .append(",\"chunksDiffering\":").append(chunksDiffering).append(",\"durationMillis\":")
                .append(duration.toMillis()).append(",\"sample\":[");
        for (int i = 0; i < sample.size(); i++) {
            Difference difference = sample.get(i);
            json.append(i == 0 ? "{" : ",{");
            field(json, "kind", difference.kind().label()).append(",\"key\":[");
            List<Object> values = difference.key().values();
            for (int k = 0; k < values.size(); k++) {
                json.append(k == 0 ? "" : ",");
                string(json, show(values.get(k)));
            }
            json.append("],\"columns\":[");
            for (int c = 0; c < difference.columns().size(); c++) {
                json.append(c == 0 ? "" : ",");
                string(json, difference.columns().get(c));
            }
            json.append("]}");
        }
        return json.append("]}").toString();
    }

    private static String show(Object value) {
        return value instanceof byte[] ? java.util.HexFormat.of().formatHex((byte[]) value) : String.valueOf(value);
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        string(json, name);
        json.append(':');
        return string(json, value);
    }

    private static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }

    @Override
    public String toString() {
        return "CheckResult(" + name + ": " + rowsCompared + " compared, " + missing + " missing, " + extra + " extra, "
                + different + " different, " + repaired + " repaired)";
    }
}
