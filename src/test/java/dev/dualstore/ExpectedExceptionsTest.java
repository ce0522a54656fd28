package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Expected exceptions (declared with {@link Read#expected()}, {@link Write#expected()} or the
 * builder's {@code expected(...)}) are a normal answer: compared like values, never counted as
 * errors.
 */
class ExpectedExceptionsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final ManualExecutor executor = new ManualExecutor();
    private final MapDirectory primary = new MapDirectory();
    private final MapDirectory secondary = new MapDirectory();
    private final List<Mismatch> mismatches = new CopyOnWriteArrayList<>();
    private final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void bothStoresThrowingADeclaredExpectedExceptionIsAMatch() {
        try (MirroringBackend<Directory> backend = builder().build()) {
            Throwable thrown = catchThrowable(() -> backend.proxy().find("missing"));
            executor.runAll();

            assertThat(thrown).isInstanceOf(NotFound.class).isSameAs(primary.lastThrown);
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.comparisons("error")).isZero();
            assertThat(meters.comparisons("mismatch")).isZero();
        }
    }

    @Test
    void aSecondaryThrowingTheExpectedExceptionAloneIsAMismatchOfKindExceptionNotAnError() throws Exception {
        primary.names.put("x", "Ada");
        try (MirroringBackend<Directory> backend = builder().build()) {
            assertThat(backend.proxy().find("x")).isEqualTo("Ada");
            executor.runAll();

            assertThat(meters.count("dualstore.comparisons", "result", "mismatch", "kind", "exception")).isEqualTo(1);
            assertThat(meters.comparisons("error")).isZero();
            assertThat(mismatches).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo(MismatchKind.EXCEPTION);
                assertThat(m.expected().threw()).isFalse();
                assertThat(m.actual().exception()).isSameAs(secondary.lastThrown);
            });
        }
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("directory", "find", "new", "old", "exception"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("Ada"));
    }

    @Test
    void aPrimaryThrowingTheExpectedExceptionAloneIsAMismatchOfKindException() {
        secondary.names.put("x", "Ada");
        try (MirroringBackend<Directory> backend = builder().build()) {
            Throwable thrown = catchThrowable(() -> backend.proxy().find("x"));
            executor.runAll();

            assertThat(thrown).isSameAs(primary.lastThrown);
            assertThat(meters.count("dualstore.comparisons", "result", "mismatch", "kind", "exception")).isEqualTo(1);
            assertThat(meters.comparisons("error")).isZero();
        }
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("directory", "find", "new", "old", "exception"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("Ada"));
    }

    @Test
    void anUndeclaredExceptionFromTheSecondaryIsAnErrorNotAMismatch() throws Exception {
        primary.names.put("x", "Ada");
        try (MirroringBackend<Directory> backend = builder().build()) {
            assertThat(backend.proxy().strictFind("x")).isEqualTo("Ada");
            executor.runAll();

            assertThat(meters.comparisons("error")).isEqualTo(1);
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void expectedExceptionsDeclaredThroughTheBuilderAreComparedLikeValues() throws Exception {
        primary.names.put("only-primary", "Ada");
        try (MirroringBackend<Directory> backend = builder().build()) {
            Directory directory = backend.proxy();
            Throwable bothMissing = catchThrowable(() -> directory.lookup("missing"));
            assertThat(directory.lookup("only-primary")).isEqualTo("Ada");
            executor.runAll();

            assertThat(bothMissing).isSameAs(primary.lastThrown);
            assertThat(meters.count("dualstore.comparisons", "method", "lookup", "result", "match")).isEqualTo(1);
            assertThat(meters.count("dualstore.comparisons", "method", "lookup", "result", "mismatch", "kind", "exception"))
                    .isEqualTo(1);
            assertThat(meters.count("dualstore.comparisons", "method", "lookup", "result", "error")).isZero();
        }
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("directory", "lookup", "new", "old", "exception"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("only-primary") || m.contains("Ada"));
    }

    @Test
    void aPrimaryWriteThatThrowsAnExpectedExceptionIsStillShadowedAndRethrown() throws Exception {
        primary.names.put("x", "Ada");
        try (MirroringBackend<Directory> backend = builder().build()) {
            Throwable thrown = catchThrowable(() -> backend.proxy().create("x", "Grace"));
            executor.runAll();

            assertThat(thrown).isInstanceOf(AlreadyExists.class).isSameAs(primary.lastThrown);
            assertThat(secondary.names).containsEntry("x", "Grace");
            assertThat(meters.writes("success")).isEqualTo(1);
        }
    }

    @Test
    void aSecondaryWriteThatThrowsAnExpectedExceptionCountsAsSuccessAndNeedsNoRepair() throws Exception {
        secondary.names.put("x", "Ada");
        try (MirroringBackend<Directory> backend = builder().build()) {
            backend.proxy().create("x", "Grace");
            executor.runAll();

            assertThat(secondary.lastThrown).isInstanceOf(AlreadyExists.class);
            assertThat(meters.writes("success")).isEqualTo(1);
            assertThat(meters.writes("error")).isZero();
            assertThat(backend.keysToRepair("new")).isEmpty();
            assertThat(divergences).isEmpty();
        }
    }

    @Test
    void aDualWriteThatThrowsAnExpectedExceptionIsASuccessEvenUnderTheFailPolicy() throws Exception {
        secondary.names.put("x", "Ada");
        try (MirroringBackend<Directory> backend = builder()
                .stage("new", Stage.DUAL_WRITE).dualWriteFailure(DualWriteFailure.FAIL).build()) {
            backend.proxy().create("x", "Grace");

            assertThat(secondary.lastThrown).isInstanceOf(AlreadyExists.class);
            assertThat(meters.writes("success")).isEqualTo(1);
            assertThat(backend.keysToRepair("new")).isEmpty();
        }
    }

    /** The shared fixture; lookup classified by the builder; the test runs the secondary calls. */
    private MirroringBackend.Builder<Directory> builder() {
        return Backends.of(Directory.class, registry, primary, secondary)
                .name("directory")
                .reads("lookup")
                .key("lookup", 0)
                .expected("lookup", NotFound.class)
                .executor(executor)
                .mismatchListener(mismatches::add)
                .divergenceListener(divergences::add);
    }

    /** A not-found: a normal answer of a lookup. */
    public static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound(String id) {
            super("no entry " + id);
        }
    }

    /** An already-exists: a normal answer of a create. */
    public static final class AlreadyExists extends Exception {
        private static final long serialVersionUID = 1L;

        AlreadyExists(String id) {
            super("entry " + id + " exists");
        }
    }

    /** Names by id. */
    public interface Directory {
        @Read(expected = NotFound.class)
        String find(@Key String id) throws NotFound;

        /** Classified, keyed and given its expected exception by the builder. */
        String lookup(String id) throws NotFound;

        /** Declares no expected exception: a not-found from one store only is an error. */
        @Read
        String strictFind(@Key String id) throws NotFound;

        @Write(expected = AlreadyExists.class)
        void create(@Key String id, String name) throws AlreadyExists;
    }

    static final class MapDirectory implements Directory {
        final Map<String, String> names = new ConcurrentHashMap<>();
        volatile Exception lastThrown;

        @Override
        public String find(String id) throws NotFound {
            String name = names.get(id);
            if (name == null) {
                NotFound e = new NotFound(id);
                lastThrown = e;
                throw e;
            }
            return name;
        }

        @Override
        public String lookup(String id) throws NotFound {
            return find(id);
        }

        @Override
        public String strictFind(String id) throws NotFound {
            return find(id);
        }

        @Override
        public void create(String id, String name) throws AlreadyExists {
            if (names.putIfAbsent(id, name) != null) {
                AlreadyExists e = new AlreadyExists(id);
                lastThrown = e;
                throw e;
            }
        }
    }
}
