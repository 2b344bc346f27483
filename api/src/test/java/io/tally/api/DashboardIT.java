package io.tally.api;

import static io.tally.api.AuditFixtures.CONSUMER;
import static io.tally.api.AuditFixtures.LOSSY;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.AuditIds;
import io.tally.core.Clock;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.TallySchema;
import io.tally.storage.testing.CassandraNodeExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.Color;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a running API over real rows in Cassandra: what a person sees.
 * Keeps {@code target/dashboard.png} as an artifact.
 */
@ExtendWith(CassandraNodeExtension.class)
class DashboardIT {
    private static final String TOKEN = "s3cret-dashboard-token";
    private static CassandraAuditStore store;
    private static ApiServer open;
    private static ApiServer guarded;
    private static AuditFixtures data;
    private WebDriver browser;

    @BeforeAll
    static void start(CqlSession session) {
        store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace("dashboard_it").build());
        data = AuditFixtures.write(store, Clock.system().millis());
        open = ApiServer.start(store, ApiConfig.defaults().with(ApiConfig.PORT, 0), Clock.system());
        guarded = ApiServer.start(
                store, ApiConfig.defaults().with(ApiConfig.PORT, 0).with(ApiConfig.TOKENS, TOKEN), Clock.system());
    }

    @AfterAll
    static void stop() {
        open.close();
        guarded.close();
        store.close();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebElement await(String css) {
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector(css)).stream()
                        .filter(WebElement::isDisplayed)
                        .findFirst()
                        .orElse(null));
    }

    @Test
    void shows_which_topic_lost_what_and_when_with_the_ids_to_copy() throws Exception {
        browser = Browser.start();
        browser.get(open.url().toString());

        WebElement lossy = await("#topics tr[data-topic='" + LOSSY + "']");
        assertThat(lossy.findElement(By.cssSelector(".completeness")).getText()).isEqualTo("99.950 %");
        assertThat(browser.findElements(By.cssSelector("#topics tbody tr"))
                        .get(0)
                        .getAttribute("data-topic"))
                .as("worst first")
                .isEqualTo(LOSSY);

        WebElement lossCell = await("#heatmap td.cell[data-verdict='LOSS']");
        assertThat(Color.fromString(lossCell.getCssValue("background-color")).asHex())
                .isEqualTo("#d7263d");
        assertThat(lossCell.getAttribute("data-edge")).isEqualTo("log → " + CONSUMER);
        assertThat(browser.findElements(By.cssSelector("#heatmap td.cell[data-verdict='COMPLETE']")))
                .hasSize(9);
        lossCell.click();
        assertThat(await("#cell-detail").getText()).contains("LOSS: log has 1,000, " + CONSUMER + " 995");

        WebElement lag = await("#tiers tr[data-tier='" + CONSUMER + "'] .lag");
        assertThat(lag.getText()).isEqualTo("2.0 min");

        await("#discrepancies tbody tr[data-id='" + data.loss.id() + "']").click();
        WebElement ids = await("#discrepancy-detail textarea[data-ids='lost']");
        assertThat(ids.getAttribute("value").lines().toList())
                .containsExactlyElementsOf(
                        AuditFixtures.LOST_IDS.stream().map(AuditIds::hex).toList());
        assertThat(ids.getAttribute("readonly")).isNotNull();
        await("#latency-chart canvas");
        Browser.screenshot(browser, "dashboard.png");
    }

    @Test
    void asks_for_a_token_once_and_keeps_it_for_the_session() {
        browser = Browser.start();
        browser.get(guarded.url().toString());

        await("#token-dialog[open] #token-input").sendKeys(TOKEN);
        browser.findElement(By.id("token-submit")).click();
        await("#topics tr[data-topic='" + LOSSY + "']");

        browser.navigate().refresh();
        assertThat(await("#topics tr[data-topic='" + LOSSY + "']").isDisplayed())
                .isTrue();
        assertThat(browser.findElements(By.cssSelector("#token-dialog[open]"))).isEmpty();
        assertThat(List.of(browser.findElement(By.id("status")).getText())).noneMatch(s -> s.contains("token"));
    }
}
