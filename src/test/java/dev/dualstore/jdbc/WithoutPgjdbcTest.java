package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc is optional: a modular application with H2 and no pgjdbc jar opens, writes and reads a
 * JdbcTable. Compiled and run in a child JVM whose module path has dev.dualstore, its two runtime
 * dependencies and H2, nothing else.
 */
class WithoutPgjdbcTest {
    @TempDir
    Path dir;

    private static final String MODULE = """
            module com.example.h2user {
                requires dev.dualstore;
                requires java.sql;
            }""";

    private static final String MAIN = """
            package com.example.h2user;

            import dev.dualstore.jdbc.JdbcTable;
            import dev.dualstore.table.RowKey;
            import dev.dualstore.table.Row;
            import java.sql.Connection;
            import java.sql.DriverManager;
            import java.util.List;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    String url = "jdbc:h2:mem:nopg;DB_CLOSE_DELAY=-1";
                    try (Connection c = DriverManager.getConnection(url)) {
                        c.createStatement().execute("CREATE TABLE t (id bigint PRIMARY KEY, v varchar(10))");
                    }
                    javax.sql.DataSource ds = new javax.sql.DataSource() {
                        public Connection getConnection() throws java.sql.SQLException { return DriverManager.getConnection(url); }
                        public Connection getConnection(String u, String p) throws java.sql.SQLException { return getConnection(); }
                        public java.io.PrintWriter getLogWriter() { return null; }
                        public void setLogWriter(java.io.PrintWriter out) { }
                        public void setLoginTimeout(int seconds) { }
                        public int getLoginTimeout() { return 0; }
                        public java.util.logging.Logger getParentLogger() { return null; }
                        public <T> T unwrap(Class<T> iface) { return null; }
                        public boolean isWrapperFor(Class<?> iface) { return false; }
                    };
                    JdbcTable table = JdbcTable.of(ds, "t");
                    table.upsert(List.of(Row.builder().set("id", 1).set("v", "one").build()));
                    System.out.println("path=" + table.bulkPath());
                    System.out.println("read=" + table.read(List.of(RowKey.of(1))).get(RowKey.of(1)).get("v"));
                    System.out.println("pgjdbc=" + ModuleLayer.boot().findModule("org.postgresql.jdbc").isPresent());
                }
            }""";

    @Test
    void aModularApplicationWithoutPgjdbcUsesJdbcTable() throws Exception {
        Path src = dir.resolve("src/com.example.h2user");
        Files.createDirectories(src.resolve("com/example/h2user"));
        Files.writeString(src.resolve("module-info.java"), MODULE);
        Files.writeString(src.resolve("com/example/h2user/Main.java"), MAIN);
        Path classes = Path.of(JdbcTable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("slf4j-api-") || name.startsWith("micrometer-") || name.startsWith("HdrHistogram-")
                    || name.startsWith("LatencyUtils-") || name.startsWith("h2-")) {
                jars.add(entry);
            }
        }
        assertThat(String.join(" ", jars)).doesNotContain("postgresql");
        String modulePath = classes + File.pathSeparator + String.join(File.pathSeparator, jars);
        Path out = dir.resolve("out");
        ByteArrayOutputStream javacBytes = new ByteArrayOutputStream();
        PrintStream javacOutput = new PrintStream(javacBytes, true, StandardCharsets.UTF_8);
        int javac = ToolProvider.findFirst("javac").orElseThrow().run(javacOutput, javacOutput, "-d", out.toString(),
                "-Xlint:none", "--module-source-path", dir.resolve("src").toString(), "--module-path", modulePath,
                "--module", "com.example.h2user");
        assertThat(javac).as("javac:\n%s", javacBytes).isZero();

        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--module-path", out + File.pathSeparator + modulePath,
                "--add-modules", "com.h2database", "-m", "com.example.h2user/com.example.h2user.Main");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        String output = Files.readString(stdout);
        assertThat(exited && child.exitValue() == 0).as("child: %s\nstdout:\n%s\nstderr:\n%s", command, output,
                Files.readString(stderr)).isTrue();
        assertThat(output).contains("path=H2_MERGE").contains("read=one").contains("pgjdbc=false");
    }
}
