package io.tally.api;

import static io.tally.api.AuditFixtures.CONSUMER;
import static io.tally.api.AuditFixtures.LOSSY;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.tally.core.AuditIds;
import io.tally.core.Clock;
import io.tally.core.TierProgress;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.TallySchema;
import io.tally.storage.testing.CassandraNodeExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.Color;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a running API over real rows in Cassandra: what a person sees.
 * Keeps {@code target/dashboard.png} as an artifact.
 */
@ExtendWith(CassandraNodeExtension.class)
class DashboardIT {
    private static final String TOKEN = "s3cret-dashboard-token";
    /** A topic read by more tiers, with longer names, than its row of the topics table has room for. */
    private static final String WIDE = "wide";

    private static final List<String> WIDE_TIERS = List.of(
            "producer",
            "log",
            // no hyphen: a line may break after one, and these names have to be cut to fit
            "consumer.fraud_scoring.realtime_enrichment.eu_west_1",
            "consumer.fraud_scoring.realtime_enrichment.us_east_1",
            "consumer.search_indexer",
            "consumer.warehouse_loader.nightly_backfill");
    /**
     * Installed before the page's own scripts: counts the dashboard's requests for topics and changes what
     * {@code /api/v1/meta} answers (LOSS painted #123456, a refresh every 400 ms), so a dashboard that keeps copies
     * of its own shows it.
     */
    private static final String ALTERED_META = """
            window.topicRequests = 0;
            const realFetch = window.fetch;
            window.fetch = async (input, init) => {
              const url = String(input);
              if (url.startsWith('/api/v1/topics?')) window.topicRequests++;
              const response = await realFetch(input, init);
              if (!url.startsWith('/api/v1/meta') || !response.ok) return response;
              const meta = await response.json();
              meta.refreshMs = 400;
              meta.verdicts.find((v) => v.name === 'LOSS').colour = '#123456';
              return new Response(JSON.stringify(meta), { status: 200, headers: response.headers });
            };
            """;

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
                // a page that redraws itself may replace the element between finding it and asking about it
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(By.cssSelector(css)).stream()
                        .filter(WebElement::isDisplayed)
                        .findFirst()
                        .orElse(null));
    }

    private Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    private static String hex(Object cssColour) {
        return Color.fromString(String.valueOf(cssColour)).asHex();
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
        JsonNode meta = Http.get(open.url(), "/api/v1/meta").json();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> legend = (List<Map<String, Object>>)
                script("return [...document.querySelectorAll('#legend span')].map((s) => ({ name: s.textContent,"
                        + " colour: getComputedStyle(s, '::before').backgroundColor,"
                        + " image: getComputedStyle(s, '::before').backgroundImage }));");
        List<JsonNode> verdicts =
                StreamSupport.stream(meta.get("verdicts").spliterator(), false).toList();
        assertThat(legend)
                .as("the legend shows the API's verdicts")
                .extracting(l -> l.get("name"))
                .containsExactlyElementsOf(
                        verdicts.stream().map(v -> v.get("name").asText()).toList());
        for (int i = 0; i < verdicts.size(); i++) {
            JsonNode v = verdicts.get(i);
            if (v.get("stripes").isNull()) {
                assertThat(hex(legend.get(i).get("colour")))
                        .as("legend swatch of %s", v.get("name"))
                        .isEqualTo(v.get("colour").asText());
            } else {
                assertThat(String.valueOf(legend.get(i).get("image")))
                        .as("legend swatch of %s", v.get("name"))
                        .startsWith("repeating-linear-gradient");
            }
        }
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
    void takes_the_verdict_colours_and_the_refresh_interval_from_the_api() {
        browser = Browser.start();
        ((HasCdp) browser).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", ALTERED_META));
        browser.get(open.url().toString());
        await("#heatmap td.cell[data-verdict='LOSS']");

        // read at once: the page is redrawn every 400 ms
        @SuppressWarnings("unchecked")
        List<String> colours = (List<String>)
                script("const bg = (css) => getComputedStyle(document.querySelector(css)).backgroundColor;"
                        + "return [bg(\"#heatmap td.cell[data-verdict='LOSS']\"),"
                        + " bg(\"#topics tr[data-topic='" + LOSSY + "'] .badge[data-kind='LOSS']\"),"
                        + " [...document.querySelectorAll('#legend span')].filter((s) => s.textContent === 'LOSS')"
                        + "   .map((s) => getComputedStyle(s, '::before').backgroundColor)[0],"
                        + " getComputedStyle(document.querySelector('#topics tr[data-topic=\"" + LOSSY + "\"]"
                        + " .completeness')).color];");
        assertThat(colours.subList(0, 3))
                .as("heatmap cell, badge, legend")
                .allSatisfy(c -> assertThat(hex(c)).isEqualTo("#123456"));
        assertThat(hex(colours.get(3))).as("the completeness short of 100 %").isEqualTo("#123456");
        long first = (Long) script("return window.topicRequests;");
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> (Long) script("return window.topicRequests;") >= first + 5);
    }

    @Test
    void fits_the_latency_chart_to_the_buckets_that_have_figures() {
        browser = Browser.start();
        browser.get(open.url().toString());
        await("#latency-chart canvas");

        // the chart's own x-axis: the range asked for is the last hour, the figures cover six buckets
        @SuppressWarnings("unchecked")
        List<Number> extent = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> (List<Number>) script("const c = echarts.getInstanceByDom(document.getElementById("
                        + "'latency-chart'));"
                        + "const axis = c && c.getModel() && c.getModel().getComponent('xAxis', 0);"
                        + "return axis && c.getOption().series.some((s) => s.data.length)"
                        + " ? axis.axis.scale.getExtent() : null;"));
        assertThat(extent.get(0).longValue()).isEqualTo(data.t0);
        assertThat(extent.get(1).longValue()).isEqualTo(data.t0 + 5 * AuditFixtures.MINUTE);
    }

    @Test
    void keeps_a_long_tier_list_inside_its_column_with_the_whole_list_in_its_title(CqlSession session) {
        // a keyspace of its own: the tiers' long names stay out of the other tests and their screenshot
        try (CassandraAuditStore wide = CassandraAuditStore.create(
                        session,
                        TallySchema.builder().keyspace("dashboard_wide_it").build());
                ApiServer api = ApiServer.start(wide, ApiConfig.defaults().with(ApiConfig.PORT, 0), Clock.system())) {
            long now = Clock.system().millis();
            for (String tier : WIDE_TIERS) {
                wide.putProgress(TierProgress.builder(tier, WIDE)
                        .watermark(now - 10_000)
                        .lastHeartbeatAt(now - 1_000)
                        .liveAgents(1)
                        .updatedAt(now - 1_000)
                        .build());
            }
            browser = Browser.start();
            browser.get(api.url().toString());
            await("#topics tr[data-topic='" + WIDE + "'] td.tiers");

            @SuppressWarnings("unchecked")
            Map<String, Object> layout = (Map<String, Object>)
                    script("const cell = document.querySelector(\"#topics tr[data-topic='" + WIDE + "'] td.tiers\");"
                            + "const list = cell.firstElementChild;"
                            + "const panel = document.getElementById('topics-section');"
                            + "const right = (e) => e.getBoundingClientRect().right;"
                            + "return { cell: right(cell), list: right(list),"
                            + " table: right(document.getElementById('topics')), panel: right(panel),"
                            + " panelOverflow: panel.scrollWidth - panel.clientWidth,"
                            + " cut: list.scrollHeight > list.clientHeight, title: cell.title };");
            double panelRight = ((Number) layout.get("panel")).doubleValue();
            assertThat(((Number) layout.get("list")).doubleValue())
                    .isLessThanOrEqualTo(((Number) layout.get("cell")).doubleValue());
            assertThat(((Number) layout.get("cell")).doubleValue()).isLessThanOrEqualTo(panelRight);
            assertThat(((Number) layout.get("table")).doubleValue()).isLessThanOrEqualTo(panelRight);
            assertThat(((Number) layout.get("panelOverflow")).longValue()).isLessThanOrEqualTo(0);
            assertThat(layout.get("cut"))
                    .as("too long for three lines of its column, so cut")
                    .isEqualTo(true);
            assertThat(String.valueOf(layout.get("title")).lines().toList())
                    .as("the title lists them all")
                    .containsExactlyElementsOf(new TreeSet<>(WIDE_TIERS));
        }
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
