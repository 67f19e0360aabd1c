package io.cachelab.it;

import io.cachelab.CacheLabApplication;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The /lab dashboard in a real browser (Debian's headless Chromium and chromedriver, as SwaggerUiIT):
 * the page loads with Chart.js from its WebJar and no console errors, the admin logs in from the page
 * with phone and code, the engine panel fills from GET /api/lab/engine every second, and the
 * experiments run from the page draw exactly the numbers the API answered (read from the Chart.js
 * instances, against the answers the page shows verbatim; penetration's are exact: 10,000 and 1,000
 * queries). Screenshots land in target/lab/.
 */
@Tag("it")
class LabDashboardIT {
    static final Path SHOTS = Path.of("target", "lab");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static ConfigurableApplicationContext app;
    static String base;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        String db = "jdbc:h2:mem:lab-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        app = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--cachelab.engine.port=" + TestEngine.freePort(),
                "--spring.datasource.url=" + db);
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();

        browser = HeadlessChromium.start(1280, 3800);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (app != null) app.close();
    }

    @Test
    void anAdminRunsAnExperimentAndSeesTheAnswerDrawn() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        browser.get(base + "/lab");
        assertThat(browser.getTitle()).isEqualTo("CacheLab lab");
        // Chart.js came from the WebJar, and the page made its (still empty) charts
        assertThat(js.executeScript("return Chart.version")).isEqualTo("4.4.1");
        assertThat(js.executeScript("return Chart.getChart('penetration-chart').data.datasets.length")).isEqualTo(0L);
        assertThat(browser.findElement(By.id("run-penetration")).isEnabled()).isFalse();
        assertThat(HeadlessChromium.consoleErrors(browser)).as("console errors on load").isEmpty(); // reading the log empties it

        // log in from the page: the code comes back while cachelab.auth.expose-code is on
        assertThat(browser.findElement(By.id("phone")).getAttribute("value")).isEqualTo("13800000000");
        browser.findElement(By.id("send-code")).click();
        wait.until(d -> d.findElement(By.id("code")).getAttribute("value").matches("\\d{6}"));
        browser.findElement(By.id("log-in")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-status"), "logged in as 13800000000 (ADMIN)"));
        WebElement run = wait.until(ExpectedConditions.elementToBeClickable(By.id("run-penetration")));

        // the live panel: the engine's own name, and a new point on the ops/s chart every second
        wait.until(ExpectedConditions.textMatches(By.id("stat-server"), java.util.regex.Pattern.compile("cachelab-engine 7\\.0\\.\\d+")));
        wait.until(d -> ((Long) js.executeScript("return Chart.getChart('engine-ops').data.labels.length")) >= 3);
        assertThat(Long.parseLong(browser.findElement(By.id("stat-clients")).getText())).isGreaterThanOrEqualTo(2);
        assertThat(Long.parseLong(browser.findElement(By.id("stat-keys")).getText())).isPositive();

        run.click();
        wait.until(ExpectedConditions.textMatches(By.id("penetration-status"), java.util.regex.Pattern.compile("done in .*|\\d{3}: .*")));
        assertThat(browser.findElement(By.id("penetration-status")).getText()).startsWith("done in ");

        // what the API answered, as the page shows it verbatim
        JsonNode answers = JSON.readTree(browser.findElement(By.id("penetration-json")).getText());
        assertThat(answers.size()).isEqualTo(3);
        JsonNode none = answers.get(0), nulls = answers.get(1), bloom = answers.get(2);
        assertThat(none.get("strategy").asString()).isEqualTo("none");
        assertThat(none.get("dbQueries").asLong()).isEqualTo(10_000);
        assertThat(nulls.get("dbQueries").asLong()).isEqualTo(1_000);
        assertThat(nulls.get("nullHits").asLong()).isEqualTo(9_000);
        assertThat(bloom.get("configuredFalsePositiveRate").asDouble()).isEqualTo(0.01);

        // and what the charts hold: the same numbers
        Map<?, ?> queries = chartData("penetration-chart");
        assertThat(queries.get("labels")).isEqualTo(List.of("none", "null-caching", "bloom"));
        List<?> datasets = (List<?>) queries.get("datasets");
        assertThat(dataset(datasets, 0)).isEqualTo("DB queries");
        assertThat(numbers(datasets, 0)).containsExactly(10_000.0, 1_000.0, bloom.get("dbQueries").asDouble());
        assertThat(dataset(datasets, 1)).isEqualTo("cached nulls served");
        assertThat(numbers(datasets, 1)).containsExactly(0.0, 9_000.0, bloom.get("nullHits").asDouble());
        assertThat(dataset(datasets, 2)).isEqualTo("rejected by the Bloom filter");
        assertThat(numbers(datasets, 2)).containsExactly(0.0, 0.0, bloom.get("rejected").asDouble());
        Map<?, ?> fpp = chartData("bloom-chart");
        assertThat(fpp.get("labels")).isEqualTo(List.of("measured", "configured"));
        assertThat(numbers((List<?>) fpp.get("datasets"), 0))
                .containsExactly(bloom.get("falsePositiveRate").asDouble(), 0.01);

        js.executeScript("document.querySelector('[data-experiment=penetration]').scrollIntoView()");
        shot("penetration");

        // the other three, each drawn from its own answers
        JsonNode breakdown = runFromThePage("breakdown", wait);
        Map<?, ?> stampede = chartData("breakdown-chart");
        assertThat(stampede.get("labels")).isEqualTo(List.of("cache-aside", "mutex", "logical-expiry"));
        List<?> sets = (List<?>) stampede.get("datasets");
        assertThat(numbers(sets, 0)).containsExactly(field(breakdown, "dbQueries"));
        assertThat(numbers(sets, 1)).containsExactly(field(breakdown, "p50Ms"));
        assertThat(numbers(sets, 2)).containsExactly(field(breakdown, "p99Ms"));
        assertThat(breakdown.get(1).get("dbQueries").asLong()).isEqualTo(1); // the mutex: one rebuild for 200 readers

        JsonNode avalanche = runFromThePage("avalanche", wait);
        Map<?, ?> expiries = chartData("avalanche-chart");
        List<?> perSecond = (List<?>) expiries.get("datasets");
        for (int i = 0; i < 2; i++) {
            JsonNode answer = avalanche.get(i);
            List<Double> drawn = numbers(perSecond, i);
            assertThat(drawn.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(10_000.0);
            assertThat(drawn.stream().mapToDouble(Double::doubleValue).max().orElseThrow()).isEqualTo(answer.get("peakCount").asDouble());
            answer.get("expiriesPerSecond").properties().forEach(e ->
                    assertThat(drawn.get(Integer.parseInt(e.getKey()))).isEqualTo(e.getValue().asDouble()));
        }
        assertThat(avalanche.get(0).get("seconds").asInt()).isEqualTo(1); // no jitter: every key in one second

        JsonNode consistency = runFromThePage("consistency", wait);
        Map<?, ?> stale = chartData("consistency-chart");
        assertThat(stale.get("labels")).isEqualTo(List.of("delete-then-update", "delete-after-commit", "delayed-double-delete"));
        assertThat(numbers((List<?>) stale.get("datasets"), 0)).containsExactly(field(consistency, "staleReads"));
        assertThat(numbers((List<?>) stale.get("datasets"), 1)).containsExactly(field(consistency, "maxStalenessMs"));

        JsonNode eviction = runFromThePage("eviction", wait);
        Map<?, ?> hits = chartData("eviction-chart");
        assertThat(hits.get("labels")).isEqualTo(List.of("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
                "volatile-lfu", "volatile-random", "volatile-ttl"));
        assertThat(numbers((List<?>) hits.get("datasets"), 0)).containsExactly(field(eviction, "hitRatio"));
        assertThat(numbers((List<?>) hits.get("datasets"), 1)).containsExactly(field(eviction, "idealHitRatio"));

        js.executeScript("window.scrollTo(0, 0)");
        shot("dashboard");
        assertThat(HeadlessChromium.consoleErrors(browser)).as("console errors").isEmpty();
    }

    /** Clicks an experiment's Run button, waits for it, and answers what the page shows the API returned. */
    static JsonNode runFromThePage(String name, WebDriverWait wait) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("run-" + name))).click();
        wait.until(ExpectedConditions.textMatches(By.id(name + "-status"), java.util.regex.Pattern.compile("done in .*|\\d{3}: .*")));
        assertThat(browser.findElement(By.id(name + "-status")).getText()).startsWith("done in ");
        return JSON.readTree(browser.findElement(By.id(name + "-json")).getText());
    }

    static Double[] field(JsonNode answers, String name) {
        Double[] out = new Double[answers.size()];
        for (int i = 0; i < out.length; i++) out[i] = answers.get(i).get(name).asDouble();
        return out;
    }

    /** The chart's labels and datasets, as Chart.js holds them (a JSON copy, so numbers come back as numbers). */
    static Map<?, ?> chartData(String canvas) {
        String json = (String) ((JavascriptExecutor) browser).executeScript(
                "const d = Chart.getChart(arguments[0]).data; return JSON.stringify({labels: d.labels, "
                        + "datasets: d.datasets.map(s => ({label: s.label, data: s.data}))})", canvas);
        return JSON.readValue(json, Map.class);
    }

    static String dataset(List<?> datasets, int i) {
        return (String) ((Map<?, ?>) datasets.get(i)).get("label");
    }

    static List<Double> numbers(List<?> datasets, int i) {
        List<Double> out = new ArrayList<>();
        for (Object n : (List<?>) ((Map<?, ?>) datasets.get(i)).get("data")) out.add(((Number) n).doubleValue());
        return out;
    }

    static void shot(String name) throws Exception {
        HeadlessChromium.screenshot(browser, SHOTS, name);
    }
}
