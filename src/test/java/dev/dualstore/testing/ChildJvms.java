package dev.dualstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Child JVMs for the tests that kill a process with -9 or run several, per test: each runs a main
 * class of the test class path with a small heap and a quick JIT, its output in {@code out<n>}
 * and {@code err<n>} of a folder of the test's own. After the test, a child still running is
 * killed and the folder deleted. Not threadsafe: one test thread starts and finishes them.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ChildJvms children = new ChildJvms();
 * }</pre>
 */
public final class ChildJvms implements BeforeEachCallback, AfterEachCallback {
    private final List<Process> processes = new ArrayList<>();
    private Path dir;
    private int started;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("dualstore-children");
        started = 0;
        processes.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        File[] files = dir.toFile().listFiles();
        for (File file : files == null ? new File[0] : files) {
            Files.delete(file.toPath());
        }
        Files.delete(dir);
    }

    /** Starts {@code main} with {@code args}; its number is {@link #last()} until the next start. */
    public Process start(Class<?> main, List<String> args) throws Exception {
        int n = started++;
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectOutput(out(n).toFile())
                .redirectError(dir.resolve("err" + n).toFile()).start();
        processes.add(child);
        return child;
    }

    /** @return the number of the child started last */
    public int last() {
        return started - 1;
    }

    /** @return the file of child {@code n}'s standard output */
    public Path out(int n) {
        return dir.resolve("out" + n);
    }

    /** Waits for a child to exit (two minutes at most) and fails, with every child's output, unless it exited 0. */
    public void finish(Process child) throws Exception {
        boolean exited = child.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        assertThat(exited && child.exitValue() == 0).as("child failed\n%s", output()).isTrue();
    }

    /** @return every child's output and errors so far, file by file */
    public String output() throws Exception {
        StringBuilder all = new StringBuilder();
        for (File file : dir.toFile().listFiles()) {
            all.append(file.getName()).append(":\n").append(Files.readString(file.toPath()));
        }
        return all.toString();
    }
}
