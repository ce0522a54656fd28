package dev.dualstore.status;

import dev.dualstore.status.PageModel.BackendModel;
import dev.dualstore.status.PageModel.JobModel;
import dev.dualstore.status.PageModel.KindModel;
import dev.dualstore.status.PageModel.MethodModel;
import dev.dualstore.status.PageModel.Reading;
import dev.dualstore.status.PageModel.RepairModel;
import dev.dualstore.status.PageModel.StoreModel;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link PageModel} as JSON ({@code status.json}): the same numbers as the page, for
 * scripts and tests. Counts are integers; rates are numbers or null before two readings.
 * Stateless.
 */
final class JsonView {
    private final StringBuilder out = new StringBuilder(4_096);

    private JsonView() {}

    static String of(PageModel model) {
        JsonView json = new JsonView();
        json.page(model);
        return json.out.toString();
    }

    private void page(PageModel model) {
        out.append('{');
        field("takenAtMillis").append(model.takenAtMillis()).append(',');
        field("rateWindowSeconds").append(number(model.rateWindowSeconds())).append(',');
        field("controls").append(model.controls()).append(',');
        field("backends");
        list(model.backends(), this::backend);
        out.append(',');
        field("jobs");
        list(model.jobs(), this::job);
        out.append('}');
    }

    private void backend(BackendModel b) {
        out.append('{');
        field("name").append(string(b.name())).append(',');
        field("primary").append(string(b.primary())).append(',');
        field("controlStep").append(string(b.controlStep())).append(',');
        field("stores");
        list(b.stores(), this::store);
        out.append(',');
        field("methods");
        list(b.methods(), this::method);
        out.append(',');
        field("mismatchKinds");
        list(b.kinds(), this::kind);
        out.append(',');
        field("repairs");
        list(b.repairs(), this::repair);
        out.append(',');
        field("samplesKeepValues").append(b.samplesKeepValues()).append(',');
        field("samples");
        list(b.samples(), this::sample);
        out.append('}');
    }

    private void store(StoreModel s) {
        out.append('{');
        field("name").append(string(s.name())).append(',');
        field("role").append(string(s.role())).append(',');
        field("stage").append(string(s.stage())).append(',');
        field("calls").append(s.calls()).append(',');
        field("compared").append(s.compared()).append(',');
        field("mismatches").append(s.mismatches()).append(',');
        field("writesNotApplied").append(s.writesNotApplied()).append(',');
        field("pending").append(s.pending()).append(',');
        field("callsPerSecond").append(number(s.callsPerSecond())).append(',');
        field("mismatchesPerSecond").append(number(s.mismatchesPerSecond()));
        out.append('}');
    }

    private void method(MethodModel m) {
        out.append('{');
        field("method").append(string(m.method())).append(',');
        field("store").append(string(m.store())).append(',');
        field("comparisons");
        counts(m.comparisons());
        out.append(',');
        field("writes");
        counts(m.writes());
        out.append('}');
    }

    private void kind(KindModel k) {
        out.append('{');
        field("method").append(string(k.method())).append(',');
        field("store").append(string(k.store())).append(',');
        field("kind").append(string(k.kind())).append(',');
        field("count").append(k.count());
        out.append('}');
    }

    private void repair(RepairModel r) {
        out.append('{');
        field("store").append(string(r.store())).append(',');
        field("observer").append(r.observer()).append(',');
        field("keysListed").append(r.keysListed()).append(',');
        field("writesNotListed").append(r.writesNotListed()).append(',');
        field("someKeys");
        list(r.someKeys(), k -> out.append(string(k)));
        out.append('}');
    }

    private void sample(MismatchSamples.Sample s) {
        out.append('{');
        field("at").append(string(s.at().toString())).append(',');
        field("method").append(string(s.method())).append(',');
        field("store").append(string(s.store())).append(',');
        field("primary").append(string(s.primary())).append(',');
        field("kind").append(string(s.kind().tag())).append(',');
        field("difference").append(string(s.difference())).append(',');
        field("path").append(string(s.path())).append(',');
        field("arguments").append(string(s.arguments())).append(',');
        field("expected").append(string(s.expected())).append(',');
        field("actual").append(string(s.actual()));
        out.append('}');
    }

    private void job(JobModel j) {
        out.append('{');
        field("family").append(string(j.family())).append(',');
        field("name").append(string(j.name())).append(',');
        field("readings");
        list(j.readings(), this::reading);
        out.append('}');
    }

    private void reading(Reading r) {
        out.append('{');
        field("meter").append(string(r.meter())).append(',');
        field("tags").append(string(r.tags())).append(',');
        field("value").append(number(r.value()));
        out.append('}');
    }

    private void counts(Map<String, Long> counts) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            out.append(first ? "" : ",");
            field(e.getKey()).append(e.getValue());
            first = false;
        }
        out.append('}');
    }

    private <E> void list(List<E> items, java.util.function.Consumer<E> each) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "" : ",");
            each.accept(items.get(i));
        }
        out.append(']');
    }

    private StringBuilder field(String name) {
        return out.append(string(name)).append(':');
    }

    /** A JSON number; NaN and infinities (a gauge of a collected object) are not JSON, so null. */
    private static String number(Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return "null";
        }
        double v = value;
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String string(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                // '<' too, so the text can never close a <script> element it is embedded in.
                case '<' -> s.append("\\u003c");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
