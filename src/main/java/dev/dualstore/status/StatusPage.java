package dev.dualstore.status;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Redactor;
import dev.dualstore.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in status page: one HTML page (and {@code status.json}, the same numbers as JSON)
 * showing, per backend, the stores with their roles and stages, call and mismatch totals and
 * rates, mismatch kinds with recent diagnoses ({@link MismatchSamples}), keys to repair, and the
 * progress of the backfill, catch-up, check, journal and replay jobs whose meters are in the
 * registry. With {@link Builder#controls(String) a token}, forms change a secondary's stage and
 * promote a store; without one the page is read-only.
 *
 * <pre>{@code
 * StatusPage page = StatusPage.builder()
 *         .backend(backend)                          // one or more backends
 *         .meterRegistry(registry)                   // where their meters (and the jobs') are
 *         .samples(samples)
 *         .build()
 *         .start();                                  // 127.0.0.1, a free port; read-only
 * URI uri = page.uri();                              // http://127.0.0.1:<port>/
 * }</pre>
 * (Compiled and run in {@code StatusPageGuideExamplesTest}, with the example of
 * {@link Builder#controls(String) controls} and {@link #handler() mounting}.)
 *
 * <p><b>Threads.</b> {@link #start()} serves the page with the JDK's {@code HttpServer} on the
 * page's own executor: two daemon threads named {@code dualstore-status-<n>}, stopped by
 * {@link #close()} (the JDK server's own {@code HTTP-Dispatcher} thread, which accepts
 * connections, is a daemon too). Mounted instead ({@link #handler()} on your own {@code HttpServer}), it runs on
 * that server's executor. Either way, a request reads meters and calls {@code stage} or
 * {@code promote} on the serving thread, never on a thread of the proxy's callers; a promote
 * blocks that thread for at most the backend's promote timeout.
 *
 * <p><b>Safety.</b> {@code GET} never changes anything. Changes are {@code POST}s that carry the
 * token (form field {@code token} or header {@code X-Dualstore-Token}, compared in constant time)
 * and a confirmation field that must equal the store's name; a wrong or missing token is
 * answered 403 and changes nothing. Every value is HTML-escaped; record values (mismatch samples,
 * keys to repair) appear only as a redactor wrote them. The page loads nothing from elsewhere.
 *
 * <p>Needs module {@code jdk.httpserver} (in every full JDK): a modular application adds
 * {@code requires jdk.httpserver;} to its module-info. This class is threadsafe.
 */
public final class StatusPage implements AutoCloseable {
    // Typed as the interface and made by a factory: loading StatusPage then loads nothing of
    // jdk.httpserver, so build() can say it is missing instead of a NoClassDefFoundError.
    private final HttpHandler handler;
    private final InetSocketAddress address;
    private final Object lock = new Object();
    private HttpServer server;
    private ExecutorService executor;
    private boolean closed;

    private StatusPage(Builder b) {
        long windowNanos = b.rateWindow.toNanos();
        PageReader reader = new PageReader(b.backends, b.registry, b.samples, b.redactor, b.token != null, b.ticker,
                b.clock, windowNanos);
        reader.read(); // the first readings of the rate windows: the first view already has rates
        this.handler = PageHandler.create(reader, b.backends, b.token, (int) b.refresh.toSeconds(), b.ticker);
        this.address = b.address;
    }

    /** @return a builder of a status page */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The page as a handler to mount on an existing {@code HttpServer}, at any context path:
     * {@code server.createContext("/dualstore", page.handler())} serves it at {@code /dualstore/}.
     * It runs on that server's executor; give the server one ({@code setExecutor}), or the JDK runs
     * handlers on its dispatcher thread, and a promote would hold up the server's other requests
     * while it drains. Guarding who reaches it is that server's job.
     *
     * @return the handler; the same instance on every call
     */
    public HttpHandler handler() {
        return handler;
    }

    /**
     * Serves the page on its own {@code HttpServer} at the builder's address (by default
     * 127.0.0.1, a free port), on two daemon threads of its own. On a loopback address it answers
     * only requests that name a loopback host ({@code localhost}, {@code 127.0.0.1}, {@code [::1]},
     * any port), so a web page that rebinds its own name to 127.0.0.1 cannot read it.
     *
     * @return this page
     * @throws IllegalStateException if already started or closed
     * @throws UncheckedIOException  if the address cannot be bound
     */
    public StatusPage start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the status page is closed");
            }
            if (server != null) {
                throw new IllegalStateException("the status page is already started, at " + uri());
            }
            HttpServer created;
            try {
                created = HttpServer.create(address, 16);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve the status page at " + address, e);
            }
            executor = Executors.newFixedThreadPool(2, daemonThreads());
            created.setExecutor(executor);
            created.createContext("/", handler);
            if (created.getAddress().getAddress().isLoopbackAddress()) {
                ((PageHandler) handler).servesOnLoopback(created);
            }
            try {
                // The JDK's dispatcher thread takes its daemon status from the thread that starts the
                // server: started on one of the page's daemon threads, it never keeps the JVM alive.
                executor.submit(created::start).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                created.stop(0);
                executor.shutdownNow();
                throw new IllegalStateException("interrupted while starting the status page", e);
            } catch (java.util.concurrent.ExecutionException e) {
                created.stop(0);
                executor.shutdownNow();
                throw new IllegalStateException("the status page's server did not start", e.getCause());
            }
            server = created;
            return this;
        }
    }

    /**
     * @return the page's address once {@link #start() started}, for example
     *         {@code http://127.0.0.1:41234/}
     * @throws IllegalStateException if not started, or closed
     */
    public URI uri() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException(closed ? "the status page is closed" : "the status page is not started");
            }
            InetSocketAddress bound = server.getAddress();
            String host = bound.getAddress().getHostAddress();
            return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
        }
    }

    /** Stops the page's own server and threads, if started; a mounted handler is left to its server. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (server != null) {
                server.stop(0);
                executor.shutdownNow();
                server = null;
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "dualstore-status-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Configures a {@link StatusPage}. Each option may be set once ({@link #backend} once per
     * backend); {@link #build()} checks the whole and names what is wrong. Not threadsafe.
     */
    public static final class Builder {
        /** Shortest token accepted: a token is a password, not a confirmation. */
        public static final int MIN_TOKEN_LENGTH = 16;

        private final List<MirroringBackend<?>> backends = new ArrayList<>();
        private MeterRegistry registry;
        private MismatchSamples samples;
        private Redactor redactor;
        private String token;
        private InetSocketAddress address;
        private Duration rateWindow;
        private Duration refresh;
        private Ticker ticker;
        private Clock clock;
        private final Set<String> set = new HashSet<>();

        private Builder() {}

        /**
         * Shows a backend; call once per backend, in the order the page shows them.
         *
         * @param backend a built backend whose meters are in {@link #meterRegistry}
         * @return this builder
         */
        public Builder backend(MirroringBackend<?> backend) {
            Objects.requireNonNull(backend, "backend");
            for (MirroringBackend<?> b : backends) {
                if (b.name().equals(backend.name())) {
                    throw new IllegalStateException("backend '" + backend.name() + "' is already on the page");
                }
            }
            backends.add(backend);
            return this;
        }

        /**
         * Where the backends' meters are (the registry given to their builders'
         * {@code meterRegistry}), and the jobs' (backfill, check, replay) if they were given the
         * same one. Required.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            once("meterRegistry");
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Recent mismatches to show, as a {@link MismatchSamples} added to the backends with
         * {@code mismatchListener(samples)}. Default: none shown (the kinds are still counted).
         *
         * @param samples the samples
         * @return this builder
         */
        public Builder samples(MismatchSamples samples) {
            once("samples");
            this.samples = Objects.requireNonNull(samples, "samples");
            return this;
        }

        /**
         * Shows up to ten of each store's keys to repair, as this redactor writes them. Default:
         * none (keys are user data); their number is always shown. Mismatch samples take their
         * values through their own redactor, at capture time.
         *
         * @param redactor turns a key into text safe to show
         * @return this builder
         */
        public Builder redactor(Redactor redactor) {
            once("redactor");
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /**
         * Turns the controls on: stage and promote forms, whose {@code POST}s must carry this
         * token. Without it the page is read-only.
         *
         * @param token a secret of at least {@value #MIN_TOKEN_LENGTH} characters
         * @return this builder
         * @throws IllegalArgumentException if shorter, or blank
         */
        public Builder controls(String token) {
            once("controls");
            Objects.requireNonNull(token, "token");
            if (token.isBlank() || token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("the controls token must have at least " + MIN_TOKEN_LENGTH
                        + " characters, not blank; it had " + token.length());
            }
            this.token = token;
            return this;
        }

        /**
         * Where {@link StatusPage#start()} listens. Default: 127.0.0.1, a free port
         * ({@link StatusPage#uri()} tells which). Binding another interface exposes the page, and
         * its controls, to that network.
         *
         * @param address the address and port
         * @return this builder
         */
        public Builder address(InetSocketAddress address) {
            once("address");
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * How far back the per-second rates look. Default 60 s.
         *
         * @param window at least one second
         * @return this builder
         */
        public Builder rateWindow(Duration window) {
            once("rateWindow");
            Objects.requireNonNull(window, "window");
            if (window.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("rateWindow must be at least 1 s, was " + window);
            }
            this.rateWindow = window;
            return this;
        }

        /**
         * How often the page reloads itself in the browser while no form field holds text.
         * Default 5 s; zero turns it off. A request can ask for another with {@code ?refresh=N}.
         *
         * @param every zero, or whole seconds up to an hour
         * @return this builder
         */
        public Builder refresh(Duration every) {
            once("refresh");
            Objects.requireNonNull(every, "every");
            if (every.isNegative() || every.compareTo(Duration.ofHours(1)) > 0 || every.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("refresh must be whole seconds from 0 to 3600, was " + every);
            }
            this.refresh = every;
            return this;
        }

        /**
         * The time source of the rates (and of the once-a-second limit on logging refused
         * requests). Default {@link Ticker#system()}.
         *
         * @param ticker nanosecond time
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            once("ticker");
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The clock of the page's "read at" time. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks the configuration and builds the page; it serves nothing until
         * {@link StatusPage#start()} or until its {@link StatusPage#handler()} is mounted.
         *
         * @return the page
         * @throws IllegalStateException if no backend or registry was given, a backend's meters are
         *                               not in the registry (another registry, or the backend is
         *                               closed), or module {@code jdk.httpserver} is not readable
         */
        public StatusPage build() {
            requireHttpServer();
            if (backends.isEmpty()) {
                throw new IllegalStateException("a status page needs at least one backend(...)");
            }
            if (registry == null) {
                throw new IllegalStateException("a status page needs the meterRegistry(...) its backends count in");
            }
            for (MirroringBackend<?> backend : backends) {
                if (!PageReader.hasMetersOf(registry, backend)) {
                    throw new IllegalStateException("backend '" + backend.name() + "' has no meters in the given registry:"
                            + " pass the registry given to its builder's meterRegistry(...), and build the page before"
                            + " the backend is closed");
                }
            }
            if (address == null) {
                address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            }
            rateWindow = Optional.ofNullable(rateWindow).orElse(Duration.ofSeconds(60));
            refresh = Optional.ofNullable(refresh).orElse(Duration.ofSeconds(5));
            ticker = Optional.ofNullable(ticker).orElse(Ticker.system());
            clock = Optional.ofNullable(clock).orElse(Clock.systemUTC());
            return new StatusPage(this);
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + "(...) is already set");
            }
        }

        /** On the module path, dev.dualstore reads jdk.httpserver only if the application resolved it. */
        private static void requireHttpServer() {
            Module module = StatusPage.class.getModule();
            if (!module.isNamed()) {
                return;
            }
            ModuleLayer layer = module.getLayer() == null ? ModuleLayer.boot() : module.getLayer();
            boolean readable = layer.findModule("jdk.httpserver").map(module::canRead).orElse(false);
            if (!readable) {
                throw new IllegalStateException("the status page needs module jdk.httpserver: add `requires jdk.httpserver;`"
                        + " to your module-info.java (or run with --add-modules jdk.httpserver)");
            }
        }
    }
}
