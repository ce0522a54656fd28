package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dualstore on the module path, as a modular application uses it: three small user modules are
 * compiled and run in a child JVM, with dev.dualstore from target/classes, and each scenario prints
 * one line, {@code name=outcome}. The DAO packages are, in turn, not exported to dev.dualstore,
 * exported to it, and open to it. The {@code backend.*} scenarios go through the public builder;
 * the {@code generator.*} ones call {@code ProxyClasses} directly (by {@code --add-exports}). The
 * {@code status.*} ones build a status page, without module {@code jdk.httpserver} and then, in a
 * second child JVM, with it.
 */
class ModulePathTest {
    private static final String INTERNAL = "dev.dualstore/dev.dualstore.internal=com.example.probe";

    @TempDir
    static Path dir;
    private static String childOutput;
    private static final Map<String, String> outcomes = new LinkedHashMap<>();

    /** The user modules: com.example.probe runs a scenario and prints its outcome for the other two. */
    private static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("com.example.probe/module-info.java", """
                    module com.example.probe {
                        requires transitive dev.dualstore;
                        exports com.example.probe;
                    }"""),
            Map.entry("com.example.probe/com/example/probe/Probe.java", """
                    package com.example.probe;

                    import dev.dualstore.MirroringBackend;
                    import dev.dualstore.internal.ProxyClasses;
                    import java.util.concurrent.Callable;
                    import java.util.function.Function;

                    public final class Probe {
                        public static final java.io.IOException BOOM = new java.io.IOException("boom");

                        public static void report(String name, Callable<String> scenario) {
                            String outcome;
                            try {
                                outcome = "ok " + scenario.call();
                            } catch (Throwable t) {
                                outcome = t.getClass().getName() + ": " + t.getMessage()
                                        + (t.getCause() != null ? " (caused by " + t.getCause() + ")" : "");
                            }
                            System.out.println(name + "=" + outcome.replace('\\n', ' '));
                        }

                        public static <T> String backend(Class<T> type, T primary, T secondary, Function<T, String> call) {
                            try (MirroringBackend<T> backend = MirroringBackend.builder(type).primary("old", primary)
                                    .secondary("new", secondary).reads("get").build()) {
                                return call.apply(backend.proxy());
                            }
                        }

                        /** A status page over a backend of the type: its status.json's HTTP status, and whether it names the backend. */
                        public static <T> String statusPage(Class<T> type, T primary, T secondary) throws Exception {
                            var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
                            try (MirroringBackend<T> backend = MirroringBackend.builder(type).primary("old", primary)
                                    .secondary("new", secondary).reads("get").meterRegistry(registry).build();
                                    dev.dualstore.status.StatusPage page = dev.dualstore.status.StatusPage.builder()
                                            .backend(backend).meterRegistry(registry).build().start()) {
                                var connection = (java.net.HttpURLConnection) page.uri().resolve("status.json").toURL().openConnection();
                                try (var in = connection.getInputStream()) {
                                    String body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                                    return connection.getResponseCode() + " " + body.contains("\\\"name\\\":\\\"" + type.getSimpleName() + "\\\"");
                                }
                            }
                        }

                        /** The proxy class's package, then what the call returned, then whether BOOM came back as itself. */
                        public static <T> String generated(Class<T> type, Function<T, String> call, Function<T, String> boom) {
                            ProxyClasses.Generated<T> generated = ProxyClasses.generate(type, ProxyClasses.methodsOf(type));
                            T proxy = generated.newInstance((p, m, a) -> {
                                if (generated.defaultBody(m) != null) {
                                    return generated.defaultBody(m).invokeExact(p, a);
                                }
                                if ("boom".equals(a[0])) {
                                    throw BOOM;
                                }
                                return "handled " + a[0];
                            });
                            Throwable thrown = null;
                            try {
                                boom.apply(proxy);
                            } catch (Throwable t) {
                                thrown = t;
                            }
                            return generated.proxyClass().getPackageName() + " " + call.apply(proxy) + " " + (thrown == BOOM);
                        }
                    }"""),
            Map.entry("com.example.app/module-info.java", """
                    module com.example.app {
                        requires com.example.probe;
                        requires com.example.stores;
                    }"""),
            Map.entry("com.example.app/com/example/app/dao/Dao.java", """
                    package com.example.app.dao;

                    public interface Dao {
                        String get(String key);
                    }"""),
            Map.entry("com.example.app/com/example/app/Main.java", """
                    package com.example.app;

                    import com.example.app.dao.Dao;
                    import com.example.probe.Probe;
                    import com.example.stores.Scenarios;

                    public final class Main {
                        record Store(String name) implements Dao {
                            public String get(String key) {
                                return name + ":" + key;
                            }
                        }

                        public static void main(String[] args) {
                            if (Boolean.getBoolean("probe.httpserver")) { // the run with --add-modules jdk.httpserver
                                Probe.report("status.withHttpServer", Scenarios::statusPage);
                                System.exit(0);
                            }
                            Probe.report("status.withoutHttpServer", Scenarios::statusPage);
                            Probe.report("backend.notExported",
                                    () -> Probe.backend(Dao.class, new Store("old"), new Store("new"), d -> d.get("k")));
                            Probe.report("generator.notExported",
                                    () -> Probe.generated(Dao.class, d -> d.get("k"), d -> d.get("boom")));
                            Probe.report("backend.exported", Scenarios::backendExported);
                            Probe.report("generator.exported", Scenarios::generatorExported);
                            Probe.report("generator.nonPublicExported", Scenarios::generatorNonPublicExported);
                            Probe.report("backend.opened", Scenarios::backendOpened);
                            Probe.report("generator.opened", Scenarios::generatorOpened);
                            System.exit(0);
                        }
                    }"""),
            Map.entry("com.example.stores/module-info.java", """
                    module com.example.stores {
                        requires com.example.probe;
                        exports com.example.stores;
                        exports com.example.stores.exported to dev.dualstore;
                        opens com.example.stores.opened to dev.dualstore;
                    }"""),
            Map.entry("com.example.stores/com/example/stores/Scenarios.java", """
                    package com.example.stores;

                    import com.example.probe.Probe;
                    import com.example.stores.exported.Dao;

                    public final class Scenarios {
                        record Store(String name) implements Dao {
                            public String get(String key) {
                                return name + ":" + key;
                            }
                        }

                        public static String statusPage() throws Exception {
                            return Probe.statusPage(Dao.class, new Store("old"), new Store("new"));
                        }

                        public static String backendExported() {
                            return Probe.backend(Dao.class, new Store("old"), new Store("new"), d -> d.get("k"));
                        }

                        public static String generatorExported() {
                            return Probe.generated(Dao.class, d -> d.get("k"), d -> d.get("boom"));
                        }

                        public static String generatorNonPublicExported() {
                            return com.example.stores.exported.Hidden.generate();
                        }

                        public static String backendOpened() {
                            return com.example.stores.opened.Secret.backend();
                        }

                        public static String generatorOpened() {
                            return com.example.stores.opened.Secret.generate();
                        }
                    }"""),
            Map.entry("com.example.stores/com/example/stores/exported/Dao.java", """
                    package com.example.stores.exported;

                    public interface Dao {
                        String get(String key);
                    }"""),
            Map.entry("com.example.stores/com/example/stores/exported/Hidden.java", """
                    package com.example.stores.exported;

                    import com.example.probe.Probe;

                    public final class Hidden {
                        interface Dao {
                            String get(String key);
                        }

                        public static String generate() {
                            return Probe.generated(Dao.class, d -> d.get("k"), d -> d.get("boom"));
                        }
                    }"""),
            Map.entry("com.example.stores/com/example/stores/opened/Secret.java", """
                    package com.example.stores.opened;

                    import com.example.probe.Probe;

                    public final class Secret {
                        interface Dao {
                            String get(String key);

                            default String twice(String key) {
                                return get(key) + "|" + get(key);
                            }
                        }

                        record Store(String name) implements Dao {
                            public String get(String key) {
                                return name + ":" + key;
                            }
                        }

                        public static String backend() {
                            return Probe.backend(Dao.class, new Store("old"), new Store("new"), d -> d.twice("k"));
                        }

                        public static String generate() {
                            return Probe.generated(Dao.class, d -> d.twice("k"), d -> d.get("boom"));
                        }
                    }"""));

    @BeforeAll
    static void compileAndRunTheModules() throws Exception {
        Path src = dir.resolve("src");
        for (Map.Entry<String, String> source : SOURCES.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
        }
        Path classes = Path.of(MirroringBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String modulePath = String.join(File.pathSeparator, classes.toString(), dependencyJars());
        Path out = dir.resolve("out");

        // javac through java.util.spi (java.base): the tests compile as part of dev.dualstore, which
        // does not read java.compiler.
        ByteArrayOutputStream javacBytes = new ByteArrayOutputStream();
        PrintStream javacOutput = new PrintStream(javacBytes, true, StandardCharsets.UTF_8);
        int javac = ToolProvider.findFirst("javac").orElseThrow().run(javacOutput, javacOutput, "-d", out.toString(),
                "-Xlint:none", "-XDrawDiagnostics", "--module-source-path", src.toString(), "--module-path", modulePath,
                "--add-exports", INTERNAL, "--module", "com.example.probe,com.example.app,com.example.stores");
        assertThat(javac).as("javac of the user modules:\n%s", javacBytes).isZero();

        childOutput = runApp(out + File.pathSeparator + modulePath, "main");
        // Again with jdk.httpserver resolved, as an application that requires it has it.
        childOutput += runApp(out + File.pathSeparator + modulePath, "httpserver", "--add-modules", "jdk.httpserver",
                "-Dprobe.httpserver=true");
    }

    /** Runs com.example.app in a child JVM, collects its outcomes, and returns what it printed. */
    private static String runApp(String modulePath, String name, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(List.of(flags));
        command.addAll(List.of("--module-path", modulePath, "--add-exports", INTERNAL, "-m", "com.example.app/com.example.app.Main"));
        Path stdout = dir.resolve(name + "-stdout.txt");
        Path stderr = dir.resolve(name + "-stderr.txt");
        Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        for (String line : Files.readAllLines(stdout)) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                outcomes.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return "\n--- command: " + String.join(" ", command) + "\n--- exit: " + (exited ? child.exitValue() : "timed out")
                + "\n--- stdout:\n" + Files.readString(stdout) + "--- stderr:\n" + Files.readString(stderr);
    }

    /** slf4j-api and micrometer-core, with what micrometer-core needs at run time, from the test class path. */
    private static String dependencyJars() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("slf4j-api-") || name.startsWith("micrometer-") || name.startsWith("HdrHistogram-")
                    || name.startsWith("LatencyUtils-")) {
                jars.add(entry);
            }
        }
        return String.join(File.pathSeparator, jars);
    }

    private static String outcome(String scenario) {
        assertThat(outcomes).as("scenario %s did not report; the child JVM said:%s", scenario, childOutput)
                .containsKey(scenario);
        return outcomes.get(scenario);
    }

    @Test
    void theStatusPageNamesTheModuleItNeedsWhenTheApplicationLacksIt() {
        // The engine runs without jdk.httpserver (every other scenario of this run); the page says what to add.
        assertThat(outcome("status.withoutHttpServer")).as(childOutput)
                .isEqualTo("java.lang.IllegalStateException: the status page needs module jdk.httpserver:"
                        + " add `requires jdk.httpserver;` to your module-info.java (or run with --add-modules jdk.httpserver)");
    }

    @Test
    void theStatusPageServesWhenJdkHttpServerIsResolved() {
        assertThat(outcome("status.withHttpServer")).as(childOutput).isEqualTo("ok 200 true");
    }

    @Test
    void buildNamesTheExportsLineWhenTheDaoPackageIsNotExportedToDualstore() {
        // Needs the engine to call ProxyClasses.generate (or requireAccessible) in build().
        assertThat(outcome("backend.notExported")).as(childOutput)
                .startsWith("java.lang.IllegalArgumentException: ")
                .contains("com.example.app.dao.Dao")
                .contains("`exports com.example.app.dao to dev.dualstore;`");
    }

    @Test
    void callsReachThePrimaryWhenTheDaoPackageIsExportedToDualstore() {
        assertThat(outcome("backend.exported")).as(childOutput).isEqualTo("ok old:k");
    }

    @Test
    void callsReachThePrimaryWhenANonPublicDaoIsInAPackageOpenToDualstore() {
        assertThat(outcome("backend.opened")).as(childOutput).isEqualTo("ok old:k|old:k");
    }

    @Test
    void theGeneratorRefusesAPackageNotExportedToDualstoreNamingTheLineToAdd() {
        assertThat(outcome("generator.notExported")).as(childOutput)
                .isEqualTo("java.lang.IllegalArgumentException: dev.dualstore cannot implement com.example.app.dao.Dao:"
                        + " module com.example.app does not export com.example.app.dao to dev.dualstore:"
                        + " add `exports com.example.app.dao to dev.dualstore;` to the module-info.java of module com.example.app");
    }

    @Test
    void theGeneratorAsksForOpensForANonPublicDaoInAnExportedPackage() {
        assertThat(outcome("generator.nonPublicExported")).as(childOutput)
                .startsWith("java.lang.IllegalArgumentException: dev.dualstore cannot implement com.example.stores.exported.Hidden$Dao")
                .contains("`opens com.example.stores.exported to dev.dualstore;`");
    }

    @Test
    void anExportedDaoGetsItsProxyClassInDualstoresPackageAndExceptionsComeBackUnwrapped() {
        assertThat(outcome("generator.exported")).as(childOutput).isEqualTo("ok dev.dualstore.internal handled k true");
    }

    @Test
    void anOpenDaoGetsItsProxyClassInItsOwnPackageWithDefaultBodies() {
        assertThat(outcome("generator.opened")).as(childOutput)
                .isEqualTo("ok com.example.stores.opened handled k|handled k true");
    }
}
