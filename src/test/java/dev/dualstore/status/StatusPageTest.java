package dev.dualstore.status;

import static dev.dualstore.status.StatusFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Redactor;
import dev.dualstore.Stage;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.FakeTicker;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The status page over the JDK's HttpClient: numbers against the meters, controls and their guards, escaping, mounting. */
class StatusPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <C extends AutoCloseable> C track(C closeable) {
        open.add(closeable);
        return closeable;
    }

    private StatusFixture fixture() {
        return track(new StatusFixture(registry));
    }

    private StatusPage.Builder page(StatusFixture f) {
        return StatusPage.builder().backend(f.backend).meterRegistry(registry).samples(f.samples);
    }

    private StatusPage started(StatusPage.Builder builder) {
        return track(builder.build()).start();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(StatusPage page) throws IOException, InterruptedException {
        HttpResponse<String> response = get(page.uri().resolve("status.json"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(URI uri, Map<String, String> form, String... headers)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    private static JsonNode store(JsonNode backend, String name) {
        for (JsonNode s : backend.get("stores")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no store " + name + " in " + backend);
    }

    @Test
    void jsonNumbersEqualTheMetersAndTheBackend() throws Exception {
        StatusFixture f = fixture().traffic();
        StatusPage page = started(page(f));

        JsonNode kv = json(page).get("backends").get(0);
        assertThat(kv.get("name").asText()).isEqualTo("kv");
        assertThat(kv.get("primary").asText()).isEqualTo("old");
        JsonNode oldStore = store(kv, "old");
        JsonNode newStore = store(kv, "new");
        assertThat(oldStore.get("role").asText()).isEqualTo("primary");
        assertThat(newStore.get("role").asText()).isEqualTo("secondary");
        assertThat(newStore.get("stage").asText()).isEqualTo("SHADOW");
        // 2 puts and 3 gets each: the primary timed them all, the secondary too (its failed put as an error).
        assertThat(oldStore.get("calls").asLong()).isEqualTo(meters.timed(MeterNames.CALLS, "backend", "kv", "store", "old")).isEqualTo(5);
        assertThat(newStore.get("calls").asLong()).isEqualTo(meters.timed(MeterNames.CALLS, "backend", "kv", "store", "new")).isEqualTo(5);
        assertThat(newStore.get("mismatches").asLong()).isEqualTo((long) meters.comparisons("mismatch")).isEqualTo(1);
        assertThat(newStore.get("compared").asLong())
                .isEqualTo((long) (meters.comparisons("match") + meters.comparisons("mismatch"))).isEqualTo(3);
        assertThat(newStore.get("writesNotApplied").asLong()).isEqualTo((long) meters.writes("error")).isEqualTo(1);

        assertThat(kv.get("mismatchKinds")).hasSize(1);
        JsonNode kind = kv.get("mismatchKinds").get(0);
        assertThat(kind.get("method").asText()).isEqualTo("get");
        assertThat(kind.get("kind").asText()).isEqualTo("value");
        assertThat(kind.get("count").asLong()).isEqualTo((long) meters.count(MeterNames.COMPARISONS, "kind", "value")).isEqualTo(1);

        JsonNode sample = kv.get("samples").get(0);
        assertThat(sample.get("kind").asText()).isEqualTo("value");
        assertThat(sample.get("arguments").asText()).isEqualTo("(k2)");
        assertThat(sample.get("expected").asText()).isEqualTo("old-2");
        assertThat(sample.get("actual").asText()).isEqualTo("new-2");
        assertThat(sample.get("difference").asText()).isNotBlank();

        JsonNode repairsOfNew = null;
        for (JsonNode r : kv.get("repairs")) {
            if (r.get("store").asText().equals("new")) {
                repairsOfNew = r;
            }
        }
        assertThat(repairsOfNew).isNotNull();
        assertThat(repairsOfNew.get("keysListed").asLong()).isEqualTo(f.backend.keysToRepair("new").size()).isEqualTo(1);
        assertThat(repairsOfNew.get("writesNotListed").asLong()).isEqualTo(f.backend.writesNotListed("new")).isZero();
        // No page redactor: the key itself is not shown.
        assertThat(repairsOfNew.get("someKeys")).isEmpty();
    }

    @Test
    void aWriteObserversMissedWritesAreListedBesideTheStores() throws Exception {
        MirroringBackend<KeyValueStore> backend = track(Backends.keyValue(registry).name("kv")
                .writeObserver("audit", write -> {
                    throw new IllegalStateException("the audit log is down");
                }).build());
        backend.proxy().put("k1", "v1");
        assertThat(backend.drain(StatusFixture.DRAIN)).isTrue();
        StatusPage page = started(StatusPage.builder().backend(backend).meterRegistry(registry));

        JsonNode audit = null;
        for (JsonNode r : json(page).get("backends").get(0).get("repairs")) {
            if (r.get("store").asText().equals("audit")) {
                audit = r;
            }
        }
        assertThat(audit).as("the observer's row").isNotNull();
        assertThat(audit.get("observer").asBoolean()).isTrue();
        assertThat(audit.get("keysListed").asLong()).isEqualTo(backend.keysToRepair("audit").size()).isEqualTo(1);
        assertThat(get(page.uri()).body()).contains("<td data-field=\"store\">audit (write observer)</td>");
    }

    @Test
    void aScriptThatAsksForJsonGetsTheOutcomeAsJson() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f).controls(TOKEN));
        HttpResponse<String> done = post(page.uri().resolve("promote"), form("backend", "kv", "store", "new", "confirm", "new"),
                PageHandler.TOKEN_HEADER, TOKEN, "Accept", "application/json");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode outcome = JSON.readTree(done.body());
        assertThat(outcome.get("ok").asBoolean()).isTrue();
        assertThat(outcome.get("message").asText()).contains("Promoted new in backend kv");
        assertThat(outcome.get("primary").asText()).isEqualTo("new");

        HttpResponse<String> refused = post(page.uri().resolve("promote"), form("backend", "kv", "store", "old", "confirm", "old"),
                "Accept", "application/json");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("ok").asBoolean()).isFalse();
        assertThat(f.backend.primaryName()).isEqualTo("new");
    }

    @Test
    void ratesArePerSecondOverTheWindowByTheTicker() throws Exception {
        FakeTicker ticker = new FakeTicker();
        StatusFixture f = fixture();
        StatusPage page = started(page(f).ticker(ticker));   // build() takes the first reading: 0 calls at t=0
        f.traffic();
        ticker.advance(Duration.ofSeconds(2));

        JsonNode kv = json(page).get("backends").get(0);
        assertThat(store(kv, "old").get("callsPerSecond").asDouble()).isEqualTo(5 / 2.0);
        assertThat(store(kv, "new").get("mismatchesPerSecond").asDouble()).isEqualTo(1 / 2.0);

        // Once the window (60 s) has passed with no new calls, the rate falls to zero.
        ticker.advance(Duration.ofSeconds(61));
        json(page);
        ticker.advance(Duration.ofSeconds(61));
        assertThat(store(json(page).get("backends").get(0), "old").get("callsPerSecond").asDouble()).isZero();
    }

    @Test
    void thePageShowsTheSameNumbersAsTheJson() throws Exception {
        StatusFixture f = fixture().traffic();
        StatusPage page = started(page(f).redactor(Redactor.plain()));
        HttpResponse<String> response = get(page.uri());
        assertThat(response.statusCode()).isEqualTo(200);
        String html = response.body();
        assertThat(html).contains("<tr data-backend=\"kv\" data-store=\"old\"><td data-field=\"store\" class=\"primary\">old</td>")
                .contains("<td data-field=\"calls\" class=\"n\">5</td>")
                .contains("<td data-field=\"mismatches\" class=\"n bad\">1</td>")
                .contains("<tr data-method=\"get\" data-store=\"new\" data-kind=\"value\">")
                .contains("<td data-field=\"expected\">old-2</td><td data-field=\"actual\">new-2</td>")
                .contains("<td data-field=\"some-keys\">broken</td>");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'").contains("frame-ancestors 'none'");
        // Nothing is loaded from elsewhere: no src or href but the page's own.
        assertThat(html).doesNotContain("src=").doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void everyValueIsEscaped() throws Exception {
        String evil = "<img src=x onerror=\"alert(1)\">&'";
        MismatchSamples samples = MismatchSamples.keepingLast(2, Redactor.plain());
        InMemoryKeyValueStore oldStore = new InMemoryKeyValueStore();
        InMemoryKeyValueStore newStore = new InMemoryKeyValueStore();
        MirroringBackend<KeyValueStore> backend = track(Backends.keyValue(registry, oldStore, newStore)
                .name("kv").mismatchListener(samples).build());
        oldStore.put(evil, evil);
        backend.proxy().get(evil);
        assertThat(backend.drain(StatusFixture.DRAIN)).isTrue();
        StatusPage page = started(StatusPage.builder().backend(backend).meterRegistry(registry).samples(samples)
                .redactor(Redactor.plain()));

        String html = get(page.uri()).body();
        assertThat(html).doesNotContain("<img").doesNotContain("onerror=\"")
                .contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;");
        assertThat(json(page).get("backends").get(0).get("samples").get(0).get("expected").asText()).isEqualTo(evil);
        assertThat(get(page.uri().resolve("status.json")).body()).doesNotContain("<img");
    }

    @Test
    void getNeverChangesAnything() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f).controls(TOKEN));
        HttpResponse<String> response = get(page.uri().resolve("promote?backend=kv&store=new&confirm=new&token=" + TOKEN));
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(get(page.uri().resolve("stage?backend=kv&store=new&stage=OFF&confirm=new&token=" + TOKEN)).statusCode())
                .isEqualTo(405);
        assertThat(f.backend.primaryName()).isEqualTo("old");
        assertThat(f.backend.stage("new")).isEqualTo(Stage.SHADOW);
        assertThat(get(page.uri().resolve("elsewhere")).statusCode()).isEqualTo(404);
    }

    @Test
    void aMissingOrWrongTokenIsRefusedAndChangesNothing() throws Exception {
        StatusFixture f = fixture();
        FakeTicker ticker = new FakeTicker();
        StatusPage page = started(page(f).controls(TOKEN).ticker(ticker));
        URI promote = page.uri().resolve("promote");

        HttpResponse<String> missing = post(promote, form("backend", "kv", "store", "new", "confirm", "new"));
        HttpResponse<String> wrong = post(promote, form("backend", "kv", "store", "new", "confirm", "new", "token", TOKEN + "x"));
        HttpResponse<String> wrongHeader = post(page.uri().resolve("stage"),
                form("backend", "kv", "store", "new", "stage", "OFF", "confirm", "new"), PageHandler.TOKEN_HEADER, "nope");

        assertThat(List.of(missing.statusCode(), wrong.statusCode(), wrongHeader.statusCode())).containsOnly(403);
        assertThat(missing.body()).contains("Refused: no token given; nothing changed.");
        assertThat(wrong.body()).contains("Refused: wrong token; nothing changed.");
        assertThat(f.backend.primaryName()).isEqualTo("old");
        assertThat(f.backend.stage("new")).isEqualTo(Stage.SHADOW);
        // Logged, at most once a second: three refusals within a second are one line; the next second, one more.
        assertThat(logs.warnings("dev.dualstore.status")).hasSize(1)
                .allSatisfy(CapturedLogs.mentioning("refused", "promote"));
        ticker.advance(Duration.ofSeconds(1));
        post(promote, form("backend", "kv", "store", "new", "confirm", "new"));
        assertThat(logs.warnings("dev.dualstore.status")).hasSize(2);
    }

    @Test
    void aChangeNeedsTheStoreNameAsConfirmation() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f).controls(TOKEN));
        HttpResponse<String> unconfirmed = post(page.uri().resolve("promote"),
                form("backend", "kv", "store", "new", "confirm", "yes", "token", TOKEN));
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(unconfirmed.body()).contains("Not confirmed: type the store&#39;s name, new, to confirm; nothing changed.");
        assertThat(f.backend.primaryName()).isEqualTo("old");
    }

    @Test
    void stageAndPromoteWithTheTokenAndTheConfirmation() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f).controls(TOKEN));

        HttpResponse<String> staged = post(page.uri().resolve("stage"),
                form("backend", "kv", "store", "new", "stage", "DUAL_WRITE", "confirm", "new", "token", TOKEN));
        assertThat(staged.statusCode()).isEqualTo(200);
        assertThat(staged.body()).contains("Stage of new in backend kv: SHADOW -&gt; DUAL_WRITE.");
        assertThat(f.backend.stage("new")).isEqualTo(Stage.DUAL_WRITE);

        HttpResponse<String> promoted = post(page.uri().resolve("promote"), form("backend", "kv", "store", "new", "confirm", "new"),
                PageHandler.TOKEN_HEADER, TOKEN);
        assertThat(promoted.statusCode()).isEqualTo(200);
        assertThat(f.backend.primaryName()).isEqualTo("new");
        assertThat(json(page).get("backends").get(0).get("primary").asText()).isEqualTo("new");
        assertThat(logs.events()).anySatisfy(CapturedLogs.mentioning("Promoted new", "kv"));
    }

    @Test
    void whatTheBackendRefusesIsShownOnThePageNotAsAServerError() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f).controls(TOKEN));
        URI stage = page.uri().resolve("stage");

        // The primary has no stage: IllegalArgumentException.
        HttpResponse<String> primary = post(stage, form("backend", "kv", "store", "old", "stage", "OFF", "confirm", "old", "token", TOKEN));
        assertThat(primary.statusCode()).isEqualTo(400);
        assertThat(primary.body()).contains("id=\"message\" class=\"banner err\"").contains("Refused by the backend:")
                .doesNotContain("at dev.dualstore");

        // A store in OFF has received no writes: promoting it is an IllegalStateException.
        assertThat(post(stage, form("backend", "kv", "store", "new", "stage", "OFF", "confirm", "new", "token", TOKEN)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> off = post(page.uri().resolve("promote"), form("backend", "kv", "store", "new", "confirm", "new", "token", TOKEN));
        assertThat(off.statusCode()).isEqualTo(409);
        assertThat(off.body()).contains("Not done: ").contains("OFF");
        assertThat(f.backend.primaryName()).isEqualTo("old");

        HttpResponse<String> badStage = post(stage, form("backend", "kv", "store", "new", "stage", "ON", "confirm", "new", "token", TOKEN));
        assertThat(badStage.statusCode()).isEqualTo(400);
        assertThat(badStage.body()).contains("&#39;ON&#39; is not a stage");
        assertThat(post(stage, form("backend", "other", "store", "new", "stage", "OFF", "confirm", "new", "token", TOKEN)).body())
                .contains("No backend named &#39;other&#39; is on this page.");
    }

    @Test
    void formsFromAnotherSiteAreRefused() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f).controls(TOKEN));
        HttpResponse<String> response = post(page.uri().resolve("promote"),
                form("backend", "kv", "store", "new", "confirm", "new", "token", TOKEN), "Origin", "http://evil.example");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(post(page.uri().resolve("promote"), form("backend", "kv", "store", "new", "confirm", "new", "token", TOKEN),
                "Origin", "null").statusCode()).isEqualTo(403);
        assertThat(f.backend.primaryName()).isEqualTo("old");
    }

    @Test
    void onLoopbackItAnswersOnlyToLoopbackHostNames() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f));
        int port = page.uri().getPort();
        assertThat(statusLine(port, "rebinding.example:" + port)).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(statusLine(port, "localhost:" + port)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusLine(port, "localhost:9000")).as("a port forward's own port").isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusLine(port, "127.0.0.1:" + port)).isEqualTo("HTTP/1.1 200 OK");
    }

    /** A GET of the page with this Host header (which HttpClient will not send), over a plain socket. */
    private static String statusLine(int port, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /status.json HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void withoutATokenThePageIsReadOnly() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f));
        assertThat(get(page.uri()).body()).doesNotContain("<form").contains("read-only");
        assertThat(json(page).get("controls").asBoolean()).isFalse();
        HttpResponse<String> response = post(page.uri().resolve("promote"), form("backend", "kv", "store", "new", "confirm", "new",
                "token", TOKEN));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(f.backend.primaryName()).isEqualTo("old");
    }

    @Test
    void mountsOnAnExistingServerAtAnyPath() throws Exception {
        StatusFixture f = fixture().traffic();
        StatusPage page = track(page(f).controls(TOKEN).build());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/admin/dualstore", page.handler());
        server.start();
        track(() -> server.stop(0));
        URI root = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");

        HttpResponse<String> bare = get(root.resolve("admin/dualstore"));
        assertThat(bare.statusCode()).isEqualTo(308);
        assertThat(bare.headers().firstValue("Location")).hasValue("/admin/dualstore/");
        String html = get(root.resolve("admin/dualstore/")).body();
        assertThat(html).contains("action=\"/admin/dualstore/promote\"").contains("href=\"/admin/dualstore/status.json\"");
        HttpResponse<String> json = get(root.resolve("admin/dualstore/status.json"));
        assertThat(JSON.readTree(json.body()).get("backends").get(0).get("name").asText()).isEqualTo("kv");
        assertThat(post(root.resolve("admin/dualstore/promote"), form("backend", "kv", "store", "new", "confirm", "new", "token", TOKEN))
                .statusCode()).isEqualTo(200);
        assertThat(f.backend.primaryName()).isEqualTo("new");
        assertThatThrownBy(page::uri).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }

    @Test
    void jobsAreShownFromTheirMetersWhenThereAreAny() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f));
        assertThat(json(page).get("jobs")).isEmpty();
        assertThat(get(page.uri()).body()).doesNotContain("<h2>Jobs</h2>");

        Counter.builder("dualstore.backfill.rows").tag("job", "follows").register(registry).increment(1234);
        registry.gauge("dualstore.replay.lag.entries", List.of(io.micrometer.core.instrument.Tag.of("replay", "journal")), 7.0);
        JsonNode jobs = json(page).get("jobs");
        assertThat(jobs).hasSize(2);
        assertThat(jobs.get(0).get("family").asText()).isEqualTo("backfill");
        assertThat(jobs.get(0).get("name").asText()).isEqualTo("follows");
        assertThat(jobs.get(0).get("readings").get(0).get("value").asLong()).isEqualTo(1234);
        assertThat(jobs.get(1).get("family").asText()).isEqualTo("replay");
        assertThat(jobs.get(1).get("readings").get(0).get("value").asLong()).isEqualTo(7);
        assertThat(get(page.uri()).body()).contains("<td data-field=\"meter\">dualstore.backfill.rows</td>")
                .contains("<td data-field=\"value\" class=\"n\">1234</td>");
    }

    /** Pages read while the roles swap back and forth, with writes flowing: each answer is whole. */
    @Test
    void readsDuringPromotesShowEachStoreOnceAndOnePrimary() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f));
        URI status = page.uri().resolve("status.json");
        int promotes = 40;
        java.util.Set<String> primariesSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ConcurrentTestHarness.runConcurrently(4, thread -> {
            if (thread == 0) {
                for (int i = 0; i < promotes; i++) {
                    f.backend.promote(i % 2 == 0 ? "new" : "old");
                }
            } else if (thread == 1) {
                for (int i = 0; i < 500; i++) {
                    f.backend.proxy().put("k" + i % 50, "v" + i);
                }
            } else {
                for (int i = 0; i < 60; i++) {
                    JsonNode kv = JSON.readTree(get(status).body()).get("backends").get(0);
                    List<String> names = new ArrayList<>();
                    List<String> primaries = new ArrayList<>();
                    kv.get("stores").forEach(s -> {
                        names.add(s.get("name").asText());
                        if (s.get("role").asText().equals("primary")) {
                            primaries.add(s.get("name").asText());
                        }
                    });
                    assertThat(names).containsExactlyInAnyOrder("old", "new");
                    assertThat(primaries).hasSize(1).containsExactly(kv.get("primary").asText());
                    primariesSeen.add(primaries.get(0));
                }
            }
        });
        assertThat(f.backend.primaryName()).isEqualTo("old");
        assertThat(f.backend.drain(StatusFixture.DRAIN)).isTrue();
        assertThat(f.backend.keysToRepair("new")).isEmpty();
        assertThat(f.backend.keysToRepair("old")).isEmpty();
        assertThat(store(json(page).get("backends").get(0), "old").get("role").asText()).isEqualTo("primary");
        assertThat(primariesSeen).isNotEmpty();
    }

    @Test
    void closeStopsThePagesServer() throws Exception {
        StatusFixture f = fixture();
        StatusPage page = started(page(f));
        URI uri = page.uri();
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(get(uri).statusCode()).isEqualTo(200);
        // Nothing of the page's keeps the JVM alive: the JDK's dispatcher was started from a daemon thread.
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals("HTTP-Dispatcher"))
                .isNotEmpty().allMatch(Thread::isDaemon);
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("dualstore-status-"))
                .allMatch(Thread::isDaemon);
        page.close();
        assertThatThrownBy(() -> get(uri)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(page::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        page.close();
    }

    @Test
    void buildNamesWhatIsWrong() {
        StatusFixture f = fixture();
        assertThatThrownBy(() -> StatusPage.builder().meterRegistry(registry).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one backend");
        assertThatThrownBy(() -> StatusPage.builder().backend(f.backend).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("meterRegistry");
        assertThatThrownBy(() -> StatusPage.builder().backend(f.backend).meterRegistry(new SimpleMeterRegistry()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("backend 'kv' has no meters in the given registry");
        assertThatThrownBy(() -> StatusPage.builder().controls("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> StatusPage.builder().backend(f.backend).backend(f.backend))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("backend 'kv' is already on the page");
        assertThatThrownBy(() -> StatusPage.builder().meterRegistry(registry).meterRegistry(registry))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("meterRegistry(...) is already set");
        assertThatThrownBy(() -> StatusPage.builder().refresh(Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole seconds");
    }
}
