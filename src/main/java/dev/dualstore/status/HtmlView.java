package dev.dualstore.status;

import dev.dualstore.Stage;
import dev.dualstore.status.PageModel.BackendModel;
import dev.dualstore.status.PageModel.JobModel;
import dev.dualstore.status.PageModel.KindModel;
import dev.dualstore.status.PageModel.MethodModel;
import dev.dualstore.status.PageModel.Reading;
import dev.dualstore.status.PageModel.RepairModel;
import dev.dualstore.status.PageModel.StoreModel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link PageModel} as one self-contained HTML page: inline style, one small inline
 * script (auto-refresh), nothing fetched from elsewhere. Every value is escaped. Cells carry
 * {@code data-*} attributes naming what they show, for scripts and tests. Stateless.
 */
final class HtmlView {
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2329;background:#fbfbfc}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .3em;border-bottom:2px solid #d0d7de}
            h3{font-size:1em;margin:1.1em 0 .3em}table{border-collapse:collapse;margin:.2em 0 .6em}
            th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .primary{font-weight:600;color:#0a5d2a}.bad{color:#b3261e;font-weight:600}.muted{color:#667}
            .banner{padding:.6em 1em;border-radius:4px;margin:.8em 0}.ok{background:#e3f6e8;border:1px solid #7bc68f}
            .err{background:#fde7e7;border:1px solid #e08a8a}form.control{display:inline-block;margin:.3em 1em .3em 0;
            padding:.5em .7em;border:1px solid #d0d7de;border-radius:4px;background:#fff}
            form.control label{margin-right:.6em}code{font-size:.95em}
            """;
    private static final String SCRIPT = """
            (function () {
              var box = document.getElementById('refresh');
              var seconds = Number(box.getAttribute('data-seconds'));
              setInterval(function () {
                var active = document.activeElement;
                var typing = active && (active.tagName === 'INPUT' || active.tagName === 'SELECT') && active !== box;
                var filled = Array.prototype.some.call(document.querySelectorAll('form input:not([type=hidden])'),
                    function (i) { return i.value !== ''; });
                if (box.checked && !typing && !filled) { location.assign(box.getAttribute('data-base')); }
              }, seconds * 1000);
            })();
            """;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder(16_384);

    private HtmlView() {}

    /**
     * @param base    the page's path, ending in '/'
     * @param refresh seconds between automatic reloads, 0 for none
     * @param message a banner (the outcome of a control), or null
     * @param error   whether the banner tells of a failure
     * @param nonce   the script's and style's nonce, as the response's Content-Security-Policy names it
     */
    static String of(PageModel model, String base, int refresh, String message, boolean error, String nonce) {
        HtmlView html = new HtmlView();
        html.page(model, base, refresh, message, error, nonce);
        return html.out.toString();
    }

    private void page(PageModel model, String base, int refresh, String message, boolean error, String nonce) {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>dualstore status</title>")
                .append("<style nonce=\"").append(nonce).append("\">").append(STYLE).append("</style></head><body>\n");
        out.append("<h1>dualstore status</h1><p class=\"muted\">Read at <span id=\"taken-at\">")
                .append(escape(Instant.ofEpochMilli(model.takenAtMillis()).truncatedTo(ChronoUnit.SECONDS).toString()))
                .append("</span>; rates over the last ").append(format(model.rateWindowSeconds())).append(" s. ")
                .append("<label><input type=\"checkbox\" id=\"refresh\"").append(refresh > 0 ? " checked" : "")
                .append(" data-seconds=\"").append(refresh > 0 ? refresh : 5).append("\" data-base=\"").append(escape(base)).append("\"> reload every ")
                .append(refresh > 0 ? refresh : 5).append(" s</label> · <a href=\"").append(escape(base))
                .append("status.json\">status.json</a>")
                .append(model.controls() ? "" : " · read-only (no controls token configured)").append("</p>\n");
        if (message != null) {
            out.append("<div id=\"message\" class=\"banner ").append(error ? "err" : "ok").append("\" role=\"")
                    .append(error ? "alert" : "status").append("\">").append(escape(message)).append("</div>\n");
        }
        for (BackendModel backend : model.backends()) {
            backend(backend, base, model.controls());
        }
        jobs(model);
        out.append("<script nonce=\"").append(nonce).append("\">").append(SCRIPT).append("</script>\n</body></html>\n");
    }

    private void backend(BackendModel b, String base, boolean controls) {
        String name = escape(b.name());
        out.append("<section class=\"backend\" data-backend=\"").append(name).append("\">\n<h2>Backend <code>").append(name)
                .append("</code>: primary <span class=\"primary\" data-field=\"primary\">").append(escape(b.primary()))
                .append("</span></h2>\n");
        if (b.controlStep() != null) {
            out.append("<p>Follows a fleet control: <span data-field=\"control-step\">").append(escape(b.controlStep()))
                    .append("</span>. Stage and promote are the control's to change.</p>\n");
        }
        out.append("<h3>Stores</h3><table class=\"stores\"><tr><th>store</th><th>role</th><th>stage</th><th>calls</th>")
                .append("<th>calls/s</th><th>compared</th><th>mismatches</th><th>mismatches/s</th>")
                .append("<th>writes not applied</th><th>pending</th></tr>\n");
        for (StoreModel s : b.stores()) {
            out.append("<tr data-backend=\"").append(name).append("\" data-store=\"").append(escape(s.name())).append("\">");
            cell("store", s.name(), s.role().equals("primary") ? "primary" : null);
            cell("role", s.role(), null);
            cell("stage", s.stage() == null ? "-" : s.stage(), null);
            number("calls", s.calls(), false);
            cell("calls-per-second", rate(s.callsPerSecond()), "n");
            number("compared", s.compared(), false);
            number("mismatches", s.mismatches(), true);
            cell("mismatches-per-second", rate(s.mismatchesPerSecond()), "n");
            number("writes-not-applied", s.writesNotApplied(), true);
            number("pending", s.pending(), false);
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        methods(b);
        kinds(b);
        samples(b);
        repairs(b);
        if (controls) {
            controls(b, base);
        }
        out.append("</section>\n");
    }

    private void methods(BackendModel b) {
        if (b.methods().isEmpty()) {
            out.append("<h3>Methods</h3><p class=\"muted\">No call mirrored yet.</p>\n");
            return;
        }
        out.append("<h3>Methods</h3><table class=\"methods\"><tr><th>method</th><th>secondary</th><th>comparisons</th>")
                .append("<th>shadow writes</th></tr>\n");
        for (MethodModel m : b.methods()) {
            out.append("<tr data-method=\"").append(escape(m.method())).append("\" data-store=\"").append(escape(m.store()))
                    .append("\">");
            cell("method", m.method(), null);
            cell("store", m.store(), null);
            counts("comparisons", m.comparisons(), "match");
            counts("writes", m.writes(), "success");
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private void counts(String field, Map<String, Long> counts, String good) {
        out.append("<td data-field=\"").append(field).append("\">");
        boolean first = true;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            boolean bad = !e.getKey().equals(good) && e.getValue() > 0;
            out.append(first ? "" : ", ").append("<span data-result=\"").append(escape(e.getKey())).append("\"")
                    .append(bad ? " class=\"bad\"" : "").append(">").append(escape(e.getKey())).append(" ")
                    .append(e.getValue()).append("</span>");
            first = false;
        }
        out.append("</td>");
    }

    private void kinds(BackendModel b) {
        out.append("<h3>Mismatch kinds</h3>");
        if (b.kinds().isEmpty()) {
            out.append("<p class=\"muted\" data-field=\"no-mismatches\">No mismatch counted.</p>\n");
            return;
        }
        out.append("<table class=\"kinds\"><tr><th>method</th><th>secondary</th><th>kind</th><th>count</th></tr>\n");
        for (KindModel k : b.kinds()) {
            out.append("<tr data-method=\"").append(escape(k.method())).append("\" data-store=\"").append(escape(k.store()))
                    .append("\" data-kind=\"").append(escape(k.kind())).append("\">");
            cell("method", k.method(), null);
            cell("store", k.store(), null);
            cell("kind", k.kind(), null);
            number("count", k.count(), true);
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private void samples(BackendModel b) {
        if (b.samplesKeepValues() == null) {
            return;
        }
        boolean values = b.samplesKeepValues();
        out.append("<h3>Recent mismatches</h3>");
        if (b.samples().isEmpty()) {
            out.append("<p class=\"muted\">None kept.</p>\n");
            return;
        }
        out.append("<table class=\"samples\"><tr><th>at (UTC)</th><th>method</th><th>stores</th><th>kind</th><th>path</th>")
                .append("<th>diagnosis</th>")
                .append(values ? "<th>arguments</th><th>primary answered</th><th>secondary answered</th>" : "")
                .append("</tr>\n");
        for (MismatchSamples.Sample s : b.samples()) {
            out.append("<tr class=\"sample\" data-method=\"").append(escape(s.method())).append("\" data-kind=\"")
                    .append(escape(s.kind().tag())).append("\">");
            out.append("<td data-field=\"at\" class=\"muted\" title=\"").append(escape(s.at().toString())).append("\">")
                    .append(TIME.format(s.at())).append("</td>");
            cell("method", s.method(), null);
            cell("stores", s.primary() + " vs " + s.store(), null);
            cell("kind", s.kind().tag(), null);
            cell("path", s.path().isEmpty() ? "-" : s.path(), null);
            cell("difference", s.difference(), null);
            if (values) {
                cell("arguments", s.arguments(), null);
                cell("expected", s.expected(), null);
                cell("actual", s.actual(), null);
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        if (!values) {
            out.append("<p class=\"muted\">Values are not shown: the samples were made without a redactor.</p>\n");
        }
    }

    private void repairs(BackendModel b) {
        out.append("<h3>Keys to repair</h3><table class=\"repairs\"><tr><th>store</th><th>keys listed</th>")
                .append("<th>writes not listed</th><th>some keys</th></tr>\n");
        for (RepairModel r : b.repairs()) {
            out.append("<tr data-store=\"").append(escape(r.store())).append("\">");
            cell("store", r.store() + (r.observer() ? " (write observer)" : ""), null);
            number("keys-listed", r.keysListed(), true);
            number("writes-not-listed", r.writesNotListed(), true);
            cell("some-keys", r.someKeys().isEmpty() ? (r.keysListed() > 0 ? "(shown only with a redactor)" : "-")
                    : String.join(", ", r.someKeys()), null);
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private void controls(BackendModel b, String base) {
        out.append("<h3>Controls</h3><p class=\"muted\">Each change pauses writes while the store's queue drains ")
                .append("(at most the promote timeout). Type the store's name to confirm, and the token.</p>\n");
        for (StoreModel s : b.stores()) {
            if (s.role().equals("primary")) {
                continue;
            }
            String store = escape(s.name());
            form(b, base, "stage", s.name());
            out.append("<label>Stage of <code>").append(store).append("</code> <select name=\"stage\">");
            for (Stage stage : Stage.values()) {
                out.append("<option").append(stage.name().equals(s.stage()) ? " selected" : "").append(">")
                        .append(stage.name()).append("</option>");
            }
            out.append("</select></label>");
            confirm(s.name());
            out.append("<button type=\"submit\">Set stage</button></form>\n");
            form(b, base, "promote", s.name());
            out.append("<span>Make <code>").append(store).append("</code> the primary: </span>");
            confirm(s.name());
            out.append("<button type=\"submit\">Promote</button></form>\n");
        }
    }

    private void form(BackendModel b, String base, String action, String store) {
        out.append("<form method=\"post\" class=\"control\" action=\"").append(escape(base)).append(action)
                .append("\" data-form=\"").append(action).append("\" data-backend=\"").append(escape(b.name()))
                .append("\" data-store=\"").append(escape(store)).append("\">")
                .append("<input type=\"hidden\" name=\"backend\" value=\"").append(escape(b.name())).append("\">")
                .append("<input type=\"hidden\" name=\"store\" value=\"").append(escape(store)).append("\">");
    }

    private void confirm(String store) {
        out.append("<label>type <code>").append(escape(store)).append("</code> to confirm ")
                .append("<input type=\"text\" name=\"confirm\" autocomplete=\"off\" size=\"10\" required></label>")
                .append("<label>token <input type=\"password\" name=\"token\" autocomplete=\"off\" size=\"12\" required></label>");
    }

    private void jobs(PageModel model) {
        if (model.jobs().isEmpty()) {
            return;
        }
        out.append("<section class=\"jobs\"><h2>Jobs</h2>\n");
        for (JobModel j : model.jobs()) {
            out.append("<h3>").append(escape(j.family())).append(" <code>").append(escape(j.name())).append("</code></h3>")
                    .append("<table class=\"job\" data-family=\"").append(escape(j.family())).append("\" data-job=\"")
                    .append(escape(j.name())).append("\"><tr><th>meter</th><th>tags</th><th>value</th></tr>\n");
            for (Reading r : j.readings()) {
                out.append("<tr data-meter=\"").append(escape(r.meter())).append("\" data-tags=\"").append(escape(r.tags()))
                        .append("\">");
                cell("meter", r.meter(), null);
                cell("tags", r.tags().isEmpty() ? "-" : r.tags(), null);
                cell("value", format(r.value()), "n");
                out.append("</tr>\n");
            }
            out.append("</table>\n");
        }
        out.append("</section>\n");
    }

    private void cell(String field, String text, String cssClass) {
        out.append("<td data-field=\"").append(field).append("\"")
                .append(cssClass == null ? "" : " class=\"" + cssClass + "\"").append(">").append(escape(text)).append("</td>");
    }

    private void number(String field, long value, boolean badWhenPositive) {
        cell(field, Long.toString(value), badWhenPositive && value > 0 ? "n bad" : "n");
    }

    private static String rate(Double perSecond) {
        return perSecond == null ? "-" : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    private static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value);
    }

    /** Escapes text for HTML element content and double- or single-quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder s = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null && s == null) {
                s = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (s != null) {
                s.append(replacement != null ? replacement : String.valueOf(c));
            }
        }
        return s == null ? text : s.toString();
    }
}
