package dev.dualstore.demo.migration;

import dev.dualstore.status.Chromium;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Writes the README's picture of the status page: runs the whole migration in serve mode on H2,
 * then takes a headless Chromium screenshot of its status page (Debian's chromium and
 * chromedriver), and stops. Run:
 * {@code mvn -q test-compile exec:java -Dexec.mainClass=dev.dualstore.demo.migration.DemoScreenshot -Dexec.args=docs/status-page.png}
 */
public final class DemoScreenshot {
    private DemoScreenshot() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "target/status-page.png");
        try (Serving serving = MigrationDemo.serve(MigrationDemo.Settings.h2(), new PrintStream(OutputStream.nullOutputStream()))) {
            Chromium.screenshot(serving.statusUri(), file);
        }
        System.out.println("wrote " + file.toAbsolutePath());
    }
}
