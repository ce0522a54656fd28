package dev.dualstore.status;

import static dev.dualstore.status.StatusFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.Redactor;
import dev.dualstore.Stage;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in headless Chromium: its numbers against the meters and the backend, then a
 * cutover clicked through the page (a wrong token refused; the secondary from OFF, where promoting
 * it is refused, up to DUAL_WRITE; promoted with token and confirmation; rolled back), each step
 * checked on the page and on the backend. Writes
 * {@code target/status-page.png}.
 */
class StatusPageBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private StatusFixture fixture;
    private StatusPage page;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openThePage() {
        fixture = new StatusFixture(registry).traffic();
        page = StatusPage.builder().backend(fixture.backend).meterRegistry(registry).samples(fixture.samples)
                .redactor(Redactor.plain()).controls(TOKEN).refresh(Duration.ZERO).build().start();
        browser = Chromium.start(1280, 1000);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void closeAll() {
        if (browser != null) {
            browser.quit();
        }
        if (page != null) {
            page.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private String cell(String row, String field) {
        return browser.findElement(By.cssSelector(row + " td[data-field='" + field + "']")).getText();
    }

    private String storeCell(String store, String field) {
        return cell("table.stores tr[data-store='" + store + "']", field);
    }

    /** Fills and sends one control form, and waits for the page that answers it. */
    private String submit(String action, String store, String stage, String confirm, String token) {
        WebElement form = browser.findElement(By.cssSelector("form[data-form='" + action + "'][data-store='" + store + "']"));
        if (stage != null) {
            new Select(form.findElement(By.name("stage"))).selectByVisibleText(stage);
        }
        form.findElement(By.name("confirm")).sendKeys(confirm);
        form.findElement(By.name("token")).sendKeys(token);
        // Marks this document, so the wait below ends on the page that answers the form, not this one.
        browser.executeScript("document.documentElement.setAttribute('data-answered', 'no')");
        form.findElement(By.cssSelector("button[type='submit']")).click();
        wait.until(d -> Boolean.TRUE.equals(browser.executeScript(
                "return document.readyState === 'complete' && !document.documentElement.hasAttribute('data-answered')")));
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message"))).getText();
    }

    @Test
    void thePageShowsTheMetersAndClicksThroughACutoverAndARollback() throws Exception {
        browser.get(page.uri().toString());
        wait.until(ExpectedConditions.titleIs("dualstore status"));

        // The numbers, against the meters and the backend.
        assertThat(browser.findElement(By.cssSelector("[data-backend='kv'] [data-field='primary']")).getText()).isEqualTo("old");
        assertThat(Long.parseLong(storeCell("old", "calls"))).isEqualTo(meters.timed(MeterNames.CALLS, "store", "old")).isEqualTo(5);
        assertThat(Long.parseLong(storeCell("new", "calls"))).isEqualTo(meters.timed(MeterNames.CALLS, "store", "new")).isEqualTo(5);
        assertThat(Long.parseLong(storeCell("new", "mismatches"))).isEqualTo((long) meters.comparisons("mismatch")).isEqualTo(1);
        assertThat(Long.parseLong(storeCell("new", "compared")))
                .isEqualTo((long) (meters.comparisons("match") + meters.comparisons("mismatch")));
        assertThat(Long.parseLong(storeCell("new", "writes-not-applied"))).isEqualTo((long) meters.writes("error")).isEqualTo(1);
        assertThat(storeCell("new", "stage")).isEqualTo("SHADOW");
        String kind = "table.kinds tr[data-method='get'][data-store='new'][data-kind='value']";
        assertThat(Long.parseLong(cell(kind, "count"))).isEqualTo((long) meters.count(MeterNames.COMPARISONS, "kind", "value"));
        MismatchSamples.Sample sample = fixture.samples.recent("kv").get(0);
        assertThat(cell("table.samples tr.sample", "difference")).isEqualTo(sample.difference()).isNotBlank();
        assertThat(cell("table.samples tr.sample", "expected")).isEqualTo("old-2");
        assertThat(cell("table.samples tr.sample", "actual")).isEqualTo("new-2");
        assertThat(Long.parseLong(cell("table.repairs tr[data-store='new']", "keys-listed")))
                .isEqualTo(fixture.backend.keysToRepair("new").size()).isEqualTo(1);
        assertThat(cell("table.repairs tr[data-store='new']", "some-keys")).isEqualTo("broken");
        Chromium.screenshot(browser, Path.of("target/status-page.png"));

        // A wrong token: refused on the page, nothing changed.
        assertThat(submit("promote", "new", null, "new", "not-the-token")).contains("Refused: wrong token");
        assertThat(fixture.backend.primaryName()).isEqualTo("old");

        // Take the secondary back to OFF, where the backend refuses to promote it: the page says why.
        assertThat(submit("stage", "new", "OFF", "new", TOKEN)).isEqualTo("Stage of new in backend kv: SHADOW -> OFF.");
        assertThat(submit("promote", "new", null, "new", TOKEN)).startsWith("Not done: ").contains("OFF");
        assertThat(fixture.backend.primaryName()).isEqualTo("old");

        // Then up, one step at a time, as a cutover goes, to DUAL_WRITE.
        for (Stage stage : new Stage[] {Stage.SHADOW_WRITES, Stage.SHADOW, Stage.DUAL_WRITE}) {
            String before = storeCell("new", "stage");
            assertThat(submit("stage", "new", stage.name(), "new", TOKEN))
                    .isEqualTo("Stage of new in backend kv: " + before + " -> " + stage + ".");
            assertThat(storeCell("new", "stage")).isEqualTo(stage.name());
            assertThat(fixture.backend.stage("new")).isEqualTo(stage);
        }

        // Promote it: the page and the backend both name the new primary.
        assertThat(submit("promote", "new", null, "new", TOKEN)).contains("Promoted new in backend kv");
        assertThat(fixture.backend.primaryName()).isEqualTo("new");
        assertThat(browser.findElement(By.cssSelector("[data-backend='kv'] [data-field='primary']")).getText()).isEqualTo("new");
        assertThat(storeCell("new", "role")).isEqualTo("primary");
        assertThat(storeCell("old", "role")).isEqualTo("secondary");
        assertThat(storeCell("old", "stage")).isEqualTo("SHADOW");

        // Traffic after the cutover shows up on a reload: 'new' answers, 'old' is compared.
        fixture.backend.proxy().get("k1");
        assertThat(fixture.backend.drain(StatusFixture.DRAIN)).isTrue();
        browser.get(page.uri().toString());
        assertThat(Long.parseLong(storeCell("new", "calls"))).isEqualTo(meters.timed(MeterNames.CALLS, "store", "new")).isEqualTo(6);
        assertThat(Long.parseLong(storeCell("old", "compared")))
                .isEqualTo((long) meters.count(MeterNames.COMPARISONS, "store", "old", "result", "match")).isEqualTo(1);

        // Roll back.
        assertThat(submit("promote", "old", null, "old", TOKEN)).contains("Promoted old in backend kv");
        assertThat(fixture.backend.primaryName()).isEqualTo("old");
        assertThat(browser.findElement(By.cssSelector("[data-backend='kv'] [data-field='primary']")).getText()).isEqualTo("old");
        assertThat(storeCell("new", "role")).isEqualTo("secondary");
    }

    @Test
    void theConfirmationMustNameTheStore() {
        browser.get(page.uri().toString());
        assertThat(submit("promote", "new", null, "yes", TOKEN)).contains("Not confirmed: type the store's name, new, to confirm");
        assertThat(fixture.backend.primaryName()).isEqualTo("old");
        assertThat(browser.findElement(By.cssSelector("[data-backend='kv'] [data-field='primary']")).getText()).isEqualTo("old");
    }
}
