package dev.dualstore.status;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, both at fixed paths so Selenium
 * Manager never looks for (or downloads) a browser or a driver: {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver}, or the environment's {@code DUALSTORE_CHROMIUM} and {@code
 * DUALSTORE_CHROMEDRIVER} (GitHub's Ubuntu runners bring Chrome and its driver elsewhere). Fails loudly, naming the package,
 * when either is missing: the browser tests never skip. {@link #screenshot(URI, Path)} takes a
 * picture of any page, a status page mounted in the demo included.
 */
public final class Chromium {
    static final String BROWSER = Objects.requireNonNullElse(System.getenv("DUALSTORE_CHROMIUM"), "/usr/bin/chromium");
    static final String DRIVER = Objects.requireNonNullElse(System.getenv("DUALSTORE_CHROMEDRIVER"), "/usr/bin/chromedriver");

    /**
     * Selenium's DevTools finder warns (java.util.logging) that this Chromium is newer than the
     * CDP versions it ships; the tests use only raw CDP commands, which need none of them. Held
     * here so the level is not lost with a collected logger.
     */
    private static final java.util.logging.Logger CDP_FINDER = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools.CdpVersionFinder");

    private Chromium() {}

    /**
     * Opens {@code page} in a headless Chromium 1280 pixels wide and writes a PNG of the whole page.
     *
     * @param page the page's address
     * @param file where the PNG goes; its folder is created
     */
    public static void screenshot(URI page, Path file) throws IOException {
        ChromeDriver browser = start(1280, 900);
        try {
            browser.get(page.toString());
            screenshot(browser, file);
        } finally {
            browser.quit();
        }
    }

    /** A headless Chromium with a window of the given size; close it with {@code quit()}. */
    static ChromeDriver start(int width, int height) {
        for (String binary : new String[] {BROWSER, DRIVER}) {
            if (!new File(binary).canExecute()) {
                throw new IllegalStateException(binary + " is missing: install Debian's chromium and chromium-driver"
                        + " (apt-get install -y chromium chromium-driver; .ci/run does it)");
            }
        }
        CDP_FINDER.setLevel(java.util.logging.Level.SEVERE);
        // Both explicit, so Selenium Manager is never consulted.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().withSilent(true).build();
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Writes a PNG of the whole page, beyond the window's height (through the DevTools protocol). */
    @SuppressWarnings("unchecked")
    static void screenshot(ChromeDriver driver, Path file) throws IOException {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", content.get("width"), "height", content.get("height"),
                "scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }
}
