package dev.dualstore.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import dev.dualstore.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the page, {@code status.json}, and the {@code stage} and {@code promote} forms, relative
 * to the context path it is mounted at. Runs on the serving server's executor; threadsafe.
 */
final class PageHandler implements HttpHandler {
    static final String TOKEN_HEADER = "X-Dualstore-Token";
    private static final Logger log = LoggerFactory.getLogger("dev.dualstore.status");
    private static final int MAX_FORM_BYTES = 8_192;
    private static final long REFUSAL_LOG_NANOS = 1_000_000_000L;

    private final PageReader reader;
    private final List<MirroringBackend<?>> backends;
    private final byte[] tokenDigest;
    private final int refresh;
    private final SecureRandom random = new SecureRandom();
    private final Ticker ticker;
    private final AtomicLong lastRefusalLogged;
    /** The page's own server when it listens on a loopback address only; its requests must name a loopback host. */
    private volatile HttpServer loopbackServer;

    private PageHandler(PageReader reader, List<MirroringBackend<?>> backends, String token, int refresh, Ticker ticker) {
        this.reader = reader;
        this.ticker = ticker;
        this.lastRefusalLogged = new AtomicLong(ticker.read() - REFUSAL_LOG_NANOS);
        this.backends = List.copyOf(backends);
        this.tokenDigest = token == null ? null : sha256(token);
        this.refresh = refresh;
    }

    static HttpHandler create(PageReader reader, List<MirroringBackend<?>> backends, String token, int refresh,
            Ticker ticker) {
        return new PageHandler(reader, backends, token, refresh, ticker);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            serve(exchange);
        } catch (IOException e) {
            throw e; // the client went away; nothing to tell it
        } catch (RuntimeException | Error e) {
            log.error("the status page failed to answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            try {
                send(exchange, 500, "text/plain; charset=utf-8", "internal error; see the service's log", null);
            } catch (IOException | RuntimeException ignored) {
                // The headers may already be sent; the exchange is closed either way.
            }
        }
    }

    /** Called by {@link StatusPage#start()}: requests to {@code server} must name a loopback host. */
    void servesOnLoopback(HttpServer server) {
        loopbackServer = server;
    }

    private void serve(HttpExchange exchange) throws IOException {
        if (exchange.getHttpContext().getServer() == loopbackServer && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
            // Another name for 127.0.0.1 is a DNS-rebinding page in the user's browser, reading this one.
            send(exchange, 403, "text/plain; charset=utf-8", "this page answers only to localhost, 127.0.0.1 and [::1]", null);
            return;
        }
        String context = exchange.getHttpContext().getPath();
        String base = context.endsWith("/") ? context : context + "/";
        String path = exchange.getRequestURI().getRawPath();
        if (!base.equals(context) && path.equals(context)) {
            exchange.getResponseHeaders().set("Location", base);
            send(exchange, 308, "text/plain; charset=utf-8", "see " + base, null);
            return;
        }
        String rest = path.startsWith(base) ? path.substring(base.length()) : null;
        String method = exchange.getRequestMethod();
        if (rest == null || !List.of("", "status.json", "stage", "promote").contains(rest)) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found", null);
            return;
        }
        boolean post = rest.equals("stage") || rest.equals("promote");
        if (post ? !method.equals("POST") : !(method.equals("GET") || method.equals("HEAD"))) {
            exchange.getResponseHeaders().set("Allow", post ? "POST" : "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed", null);
            return;
        }
        if (rest.equals("status.json")) {
            send(exchange, 200, "application/json; charset=utf-8", JsonView.of(reader.read()), null);
        } else if (post) {
            control(exchange, rest, base);
        } else {
            page(exchange, 200, base, refresh(exchange.getRequestURI()), null, false);
        }
    }

    private void control(HttpExchange exchange, String action, String base) throws IOException {
        if (tokenDigest == null) {
            answer(exchange, null, 403, base, 0, "This page is read-only: it was built without controls(token).", true);
            return;
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        // A browser names the page that sent a form; only the page itself may send one ("null", an
        // opaque origin such as a sandboxed frame's, is another site too). Scripts send no Origin.
        if (origin != null && (host == null || !sameHost(origin, host))) {
            refused(exchange, action, "its Origin is another site");
            answer(exchange, null, 403, base, 0, "Refused: the form was sent from another site (" + origin + ").", true);
            return;
        }
        Map<String, String> form = form(exchange.getRequestBody());
        if (form == null) {
            answer(exchange, null, 400, base, 0, "The form could not be read (too long, or not URL-encoded).", true);
            return;
        }
        MirroringBackend<?> backend = backendOf(form);
        String token = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
        if (token == null) {
            token = form.get("token");
        }
        if (token == null || !MessageDigest.isEqual(tokenDigest, sha256(token))) {
            refused(exchange, action, token == null ? "no token" : "a wrong token");
            String why = token == null ? "no token given" : "wrong token";
            answer(exchange, null, 403, base, 0, "Refused: " + why + "; nothing changed.", true);
            return;
        }
        String store = form.get("store");
        if (backend == null || store == null || store.isEmpty()) {
            answer(exchange, backend, 400, base, 0, backend == null ? "No backend named '" + form.get("backend") + "' is on this page."
                    : "The form names no store.", true);
            return;
        }
        if (!store.equals(form.get("confirm"))) {
            answer(exchange, backend, 400, base, 0, "Not confirmed: type the store's name, " + store
                    + ", to confirm; nothing changed.", true);
            return;
        }
        try {
            String done = apply(backend, action, store, form.get("stage"));
            log.info("status page, from {}: {}", exchange.getRemoteAddress(), done);
            answer(exchange, backend, 200, base, refresh(exchange.getRequestURI()), done, false);
        } catch (IllegalArgumentException e) {
            answer(exchange, backend, 400, base, 0, "Refused by the backend: " + e.getMessage(), true);
        } catch (IllegalStateException e) {
            answer(exchange, backend, 409, base, 0, "Not done: " + e.getMessage(), true);
        }
    }

    /** Promotes the store or changes its stage, on this thread; returns what was done, for the page. */
    private static String apply(MirroringBackend<?> backend, String action, String store, String stageField) {
        if (action.equals("promote")) {
            String before = backend.primaryName();
            backend.promote(store);
            return "Promoted " + store + " in backend " + backend.name() + " (primary before: " + before + ")"
                    + "; primary now: " + backend.primaryName() + ".";
        }
        Stage stage = stage(stageField);
        Stage before = backend.stage(store);
        backend.stage(store, stage);
        return "Stage of " + store + " in backend " + backend.name() + ": " + before + " -> " + backend.stage(store) + ".";
    }

    private static Stage stage(String text) {
        try {
            return Stage.valueOf(String.valueOf(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a stage: OFF, SHADOW_WRITES, SHADOW or DUAL_WRITE");
        }
    }

    private void refused(HttpExchange exchange, String action, String why) {
        long now = ticker.read();
        long last = lastRefusalLogged.get();
        // At most one line a second, so a client trying tokens cannot flood the log.
        if (now - last >= REFUSAL_LOG_NANOS && lastRefusalLogged.compareAndSet(last, now)) {
            log.warn("status page refused a {} from {}: {}", action, exchange.getRemoteAddress(), why);
        }
    }

    private MirroringBackend<?> backendOf(Map<String, String> form) {
        return backends.stream().filter(b -> b.name().equals(form.get("backend"))).findFirst().orElse(null);
    }

    /**
     * The outcome of a control: the page with a banner, or, for a client that asks for JSON
     * ({@code Accept: application/json}), {@code {"ok", "message", "primary"}}.
     */
    private void answer(HttpExchange exchange, MirroringBackend<?> backend, int status, String base, int reload,
            String message, boolean error) throws IOException {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null && accept.contains("application/json")) {
            send(exchange, status, "application/json; charset=utf-8", "{\"ok\":" + !error + ",\"message\":"
                    + JsonView.string(message) + ",\"primary\":" + JsonView.string(backend == null ? null : backend.primaryName())
                    + "}", null);
        } else {
            page(exchange, status, base, reload, message, error);
        }
    }

    private void page(HttpExchange exchange, int status, String base, int reload, String message, boolean error)
            throws IOException {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String nonce = Base64.getEncoder().encodeToString(bytes);
        String html = HtmlView.of(reader.read(), base, reload, message, error, nonce);
        send(exchange, status, "text/html; charset=utf-8", html, nonce);
    }

    private int refresh(URI uri) {
        String query = uri.getRawQuery();
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("refresh=")) {
                    try {
                        return Math.max(0, Math.min(3_600, Integer.parseInt(part.substring("refresh=".length()))));
                    } catch (NumberFormatException e) {
                        return refresh;
                    }
                }
            }
        }
        return refresh;
    }

    private static void send(HttpExchange exchange, int status, String type, String body, String nonce) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        // Not no-referrer: with it a browser sends "Origin: null" on the page's own forms.
        headers.set("Referrer-Policy", "same-origin");
        headers.set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
                + (nonce == null ? "" : "; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'"));
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** The form's fields, or null if it is longer than allowed or not URL-encoded. */
    private static Map<String, String> form(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_FORM_BYTES + 1);
        if (bytes.length > MAX_FORM_BYTES) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        try {
            for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return fields;
    }

    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.indexOf(':') >= 0 ? host.substring(0, host.indexOf(':')) : host;
        return name.equalsIgnoreCase("localhost") || name.equals("[::1]") || name.matches("127(\\.[0-9]{1,3}){3}");
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI o = URI.create(origin);
            String authority = o.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] sha256(String text) {
        try {
            // Digests of equal length, so the comparison's time tells nothing, not even the token's length.
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
