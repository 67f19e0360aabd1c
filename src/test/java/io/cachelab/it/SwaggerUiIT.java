package io.cachelab.it;

import io.cachelab.CacheLabApplication;
import io.cachelab.engine.TestEngine;
import io.cachelab.support.ApiClient;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's path through the API docs in a real browser (headless Chromium and chromedriver from
 * Debian, which .ci/run installs): Swagger UI loads with the service's name and version, shows the
 * Authorize button, takes a token from the real login, and then runs an operation that needs it. The
 * browser's console has no errors. Screenshots land in target/swagger-ui/.
 */
@Tag("it")
class SwaggerUiIT {
    static ConfigurableApplicationContext app;
    static ApiClient api;
    static String base;
    static WebDriver browser;
    static final Path SHOTS = Path.of("target", "swagger-ui");

    @BeforeAll
    static void start() throws Exception {
        String db = "jdbc:h2:mem:swagger-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        app = new SpringApplicationBuilder(CacheLabApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--cachelab.engine.port=" + TestEngine.freePort(),
                "--spring.datasource.url=" + db);
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        api = new ApiClient(port);
        base = "http://127.0.0.1:" + port;

        browser = HeadlessChromium.start(1400, 1800);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (app != null) app.close();
    }

    @Test
    void aNewcomerAuthorizesAndCallsAnOperationThatNeedsAToken() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(base + "/swagger-ui/index.html");

        WebElement title = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".info .title")));
        assertThat(title.getText()).startsWith("CacheLab").contains("0.1.0-SNAPSHOT");
        assertThat(browser.getTitle()).isEqualTo("Swagger UI");
        WebElement authorize = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("button.authorize")));
        assertThat(authorize.getText()).isEqualTo("Authorize");
        // the operations are listed with their lock icons
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#operations-coupons-admin-createCoupon")));
        assertThat(browser.findElement(By.cssSelector("#operations-coupons-admin-createCoupon .authorization__btn")).isDisplayed())
                .isTrue();
        assertThat(browser.findElements(By.cssSelector("#operations-articles-page .authorization__btn"))).isEmpty();
        shot("1-loaded");

        // the dialog offers the bearerAuth scheme; a token from the real login goes in
        authorize.click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".modal-ux")));
        assertThat(dialog.getText()).contains("Available authorizations\nbearerAuth  (http, Bearer)\n"
                + "The token of POST /api/auth/login, sent as Authorization: Bearer <token>");
        String token = api.loginAdmin();
        dialog.findElement(By.cssSelector("input[type=text], input[type=password]")).sendKeys(token);
        dialog.findElement(By.cssSelector("button.modal-btn.auth.authorize")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".modal-ux button.btn-done")));
        shot("2-authorized");
        browser.findElement(By.cssSelector(".modal-ux button.btn-done")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-ux")));

        // GET /api/auth/me: Try it out, Execute, and the server answers 200 with the admin's role
        WebElement me = browser.findElement(By.cssSelector("#operations-auth-me"));
        me.findElement(By.cssSelector(".opblock-summary")).click();
        // waited for by locator: the buttons appear only once the operation has opened (looking them up
        // before the wait raced the page's rendering and failed a CI run)
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#operations-auth-me button.try-out__btn"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#operations-auth-me button.execute"))).click();
        WebElement status = wait.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(me,
                By.cssSelector(".live-responses-table .response .response-col_status"))).get(0);
        assertThat(status.getText()).isEqualTo("200");
        assertThat(me.findElement(By.cssSelector(".live-responses-table .response .microlight")).getText())
                .contains("\"role\": \"ADMIN\"").contains("\"phone\": \"13800000000\"");
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", me);
        shot("3-executed");

        assertThat(HeadlessChromium.consoleErrors(browser)).as("console errors").isEmpty();
    }

    /**
     * The rest of the newcomer's path, against the same running app: the document the page is built
     * from, a bad request of each kind, and the health answer a stranger gets.
     */
    @Test
    void theDocumentErrorsAndHealthANewcomerMeets() {
        JsonNode doc = api.get("/v3/api-docs").json();
        assertThat(doc.get("components").get("securitySchemes").get("bearerAuth").toString())
                .isEqualTo("{\"type\":\"http\",\"description\":\"The `token` of POST /api/auth/login, sent as "
                        + "`Authorization: Bearer <token>`\",\"scheme\":\"bearer\"}");
        JsonNode create = doc.get("paths").get("/api/admin/coupons").get("post");
        assertThat(create.get("x-required-role").asString()).isEqualTo("ADMIN");
        assertThat(create.get("security").toString()).isEqualTo("[{\"bearerAuth\":[]}]");

        ApiClient.Response range = api.get("/api/articles?page=-1&size=100000");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.json().get("errors").toString()).isEqualTo("[{\"field\":\"page\",\"in\":\"query\","
                + "\"rule\":\"Min(1)\",\"message\":\"must be greater than or equal to 1\"},{\"field\":\"size\","
                + "\"in\":\"query\",\"rule\":\"Max(100)\",\"message\":\"must be less than or equal to 100\"}]");
        ApiClient.Response instant = api.post("/api/admin/coupons",
                "{\"title\":\"t\",\"stock\":1,\"beginAt\":\"2026-01-01\",\"endAt\":\"2036-01-01T00:00:00Z\"}",
                api.loginAdmin());
        assertThat(instant.status()).isEqualTo(400);
        assertThat(instant.json().get("errors").get(0).get("field").asString()).isEqualTo("beginAt");
        assertThat(instant.json().get("errors").get(0).get("rule").asString()).isEqualTo("ISO-8601 instant");
        ApiClient.Response broken = api.post("/api/auth/code", "{\"phone\": }", null);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("errors").toString()).isEqualTo("[{\"in\":\"body\",\"rule\":\"JSON syntax\","
                + "\"message\":\"is not valid JSON at line 1, column 11\",\"line\":1,\"column\":11}]");

        ApiClient.Response health = api.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("details");
    }

    static void shot(String name) throws Exception {
        HeadlessChromium.screenshot(browser, SHOTS, name);
    }
}
