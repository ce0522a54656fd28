package dev.dualstore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.dualstore.MirroringBackend;
import dev.dualstore.status.MismatchSamples;
import dev.dualstore.status.StatusPage;
import dev.dualstore.testing.CapturedLogs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples of the guide's chapter "The status page", compiled and run (GuideExamplesTest
 * checks the guide quotes them line for line).
 */
class StatusPageGuideExamplesTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2017-02-14T12:00:00Z");
    private static final Duration DRAIN = Duration.ofSeconds(10);

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void turningThePageOn() throws Exception {
        OldFollowStore oldStore = new OldFollowStore();
        NewFollowStore newStore = NewFollowStore.asShipped();
        // guide: status page
        MismatchSamples samples = MismatchSamples.keepingLast(5,
                value -> value == null ? "null" : value.getClass().getSimpleName());   // types, never data
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", oldStore)
                .secondary("new", newStore)
                .mismatchListener(samples)                 // keeps the last 5 of each kind, for the page
                .meterRegistry(registry)
                .build();
        StatusPage page = StatusPage.builder()
                .backend(backend)                          // one or more backends
                .meterRegistry(registry)                   // where their meters (and the jobs') are
                .samples(samples)
                .build()
                .start();                                  // 127.0.0.1, a free port; read-only
        URI uri = page.uri();                              // http://127.0.0.1:<port>/
        // guide: end
        try {
            FollowStore follows = backend.proxy();
            follows.follow("alice", "channel-1", AT);
            follows.follow("bob", "channel-1", AT.plusSeconds(1));
            assertThat(backend.drain(DRAIN)).isTrue();
            follows.followers("channel-1", 10);          // the shipped new store answers in another zone
            assertThat(backend.drain(DRAIN)).isTrue();
            HttpResponse<String> json = send(HttpRequest.newBuilder(uri.resolve("status.json")).build());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body()).contains("\"name\":\"follows\"").contains("\"method\":\"followers\"")
                    .contains("\"samples\":[{").doesNotContain("alice");   // the redactor kept only types
            String html = send(HttpRequest.newBuilder(uri).build()).body();
            assertThat(html).contains("read-only").doesNotContain("<form");
        } finally {
            page.close();
            backend.close();
        }
    }

    @Test
    void controlsAndMounting() throws Exception {
        String token = UUID.randomUUID().toString();
        java.util.concurrent.ExecutorService adminThreads = java.util.concurrent.Executors.newFixedThreadPool(2);
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(registry)
                .build();
        // guide: status controls
        StatusPage page = StatusPage.builder()
                .backend(backend)
                .meterRegistry(registry)
                .controls(token)                           // from your secret store; 16 characters or more
                .build();
        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);   // your admin server
        admin.createContext("/dualstore", page.handler());   // the page at /dualstore/, on admin's threads
        admin.setExecutor(adminThreads);                      // a promote blocks a thread while it drains
        admin.start();
        // guide: end
        try {
            URI base = URI.create("http://127.0.0.1:" + admin.getAddress().getPort() + "/dualstore/");
            HttpRequest promote = HttpRequest.newBuilder(base.resolve("promote"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Dualstore-Token", token)
                    .POST(HttpRequest.BodyPublishers.ofString("backend=follows&store=new&confirm=new")).build();
            assertThat(send(promote).statusCode()).isEqualTo(200);
            assertThat(backend.primaryName()).isEqualTo("new");
            HttpRequest refused = HttpRequest.newBuilder(base.resolve("promote"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("backend=follows&store=old&confirm=old&token=guess")).build();
            assertThat(send(refused).statusCode()).isEqualTo(403);
            assertThat(backend.primaryName()).isEqualTo("new");
        } finally {
            admin.stop(0);
            adminThreads.shutdownNow();
            page.close();
            backend.close();
        }
    }
}
