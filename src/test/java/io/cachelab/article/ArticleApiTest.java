package io.cachelab.article;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The articles API over real HTTP, on the embedded engine and H2: caching, writes, stats, bad input. */
class ArticleApiTest extends AppTestBase {
    @Autowired
    StringRedisTemplate redis;

    static Map<String, String> body(String title) {
        return Map.of("title", title, "summary", "s", "content", "c", "author", "tester");
    }

    @Test
    void readsMissThenHitAndSayWhichInXCache() {
        redis.delete("cachelab:article:11");
        ApiClient.Response first = api.get("/api/articles/11?strategy=cache-aside");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Cache")).isEqualTo("MISS");
        assertThat(first.json().get("title").asString()).isEqualTo("Article 11");
        ApiClient.Response second = api.get("/api/articles/11?strategy=cache-aside");
        assertThat(second.header("X-Cache")).isEqualTo("HIT");
        assertThat(redis.getExpire("cachelab:article:11")).isBetween(1500L, 2100L); // 30 min ± 5 min
    }

    @Test
    void everyStrategyServesTheSameArticle() {
        for (String s : new String[] {"none", "cache-aside", "null-caching", "bloom", "mutex", "logical-expiry",
                "two-level", "bloom+mutex", "bloom,two-level"}) {
            ApiClient.Response r = api.get("/api/articles/12?strategy=" + s);
            assertThat(r.status()).as(s).isEqualTo(200);
            assertThat(r.json().get("title").asString()).as(s).isEqualTo("Article 12");
            assertThat(r.header("X-Cache")).as(s).isIn("HIT", "MISS");
        }
    }

    @Test
    void absentIdsAre404WithTheCacheOutcome() {
        ApiClient.Response miss = api.get("/api/articles/5000000?strategy=null-caching");
        assertThat(miss.status()).isEqualTo(404);
        assertThat(miss.header("X-Cache")).isEqualTo("MISS");
        assertThat(miss.header("Content-Type")).startsWith("application/problem+json");
        assertThat(miss.json().get("detail").asString()).isEqualTo("article 5000000 does not exist");
        assertThat(api.get("/api/articles/5000000?strategy=null-caching").header("X-Cache")).isEqualTo("NULL");
        assertThat(api.get("/api/articles/5000001?strategy=bloom").header("X-Cache")).isEqualTo("REJECTED");
    }

    @Test
    void badIdsStrategiesAndPagesAre400ProblemDetails() {
        for (String path : new String[] {"/api/articles/abc", "/api/articles/-1", "/api/articles/0",
                "/api/articles/1?strategy=lru", "/api/articles/1?strategy=bloom+bloom", "/api/articles?size=1000",
                "/api/articles?page=0", "/api/articles/hot?limit=0"}) {
            ApiClient.Response r = api.get(path);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(r.json().get("status").asInt()).as(path).isEqualTo(400);
        }
        assertThat(api.get("/api/articles/1?strategy=lru").json().get("detail").asString())
                .isEqualTo("unknown cache strategy: lru");
    }

    @Test
    void pagesAreNewestFirstWithTheTotal() {
        ApiClient.Response r = api.get("/api/articles?page=1&size=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("items").size()).isEqualTo(5);
        assertThat(r.json().get("total").asLong()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void writesNeedAdminAndEvictAfterCommit() {
        String admin = api.loginAdmin();
        String user = api.login("13700000001");
        assertThat(api.post("/api/articles", body("x"), null).status()).isEqualTo(401);
        assertThat(api.post("/api/articles", body("x"), user).status()).isEqualTo(403);
        assertThat(api.put("/api/articles/13", body("x"), user).status()).isEqualTo(403);
        assertThat(api.delete("/api/articles/13", user).status()).isEqualTo(403);

        ApiClient.Response created = api.post("/api/articles", body("Fresh"), admin);
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.header("Location")).endsWith("/api/articles/" + id);
        // the new id reached the Bloom filter after commit: not rejected
        ApiClient.Response viaBloom = api.get("/api/articles/" + id + "?strategy=bloom");
        assertThat(viaBloom.status()).isEqualTo(200);
        assertThat(viaBloom.json().get("title").asString()).isEqualTo("Fresh");

        for (String strategy : new String[] {"cache-aside", "two-level", "logical-expiry", "mutex"}) {
            api.get("/api/articles/" + id + "?strategy=" + strategy); // cached under each strategy
        }
        for (int i = 1; i <= 20; i++) {
            assertThat(api.put("/api/articles/" + id, body("Title " + i), admin).status()).isEqualTo(200);
            for (String strategy : new String[] {"cache-aside", "two-level", "logical-expiry", "mutex"}) {
                ApiClient.Response read = api.get("/api/articles/" + id + "?strategy=" + strategy);
                assertThat(read.json().get("title").asString()).as(strategy).isEqualTo("Title " + i);
            }
        }
        assertThat(api.delete("/api/articles/" + id, admin).status()).isEqualTo(204);
        assertThat(api.get("/api/articles/" + id + "?strategy=two-level").status()).isEqualTo(404);
        assertThat(api.delete("/api/articles/" + id, admin).status()).isEqualTo(404);
        assertThat(api.put("/api/articles/" + id, body("late"), admin).status()).isEqualTo(404);
    }

    /**
     * Reads answer the cached JSON text as it is (no decode and encode again), so every strategy, on a
     * miss and on a hit, must answer exactly the bytes the database's object is rendered to, in UTF-8.
     */
    @Test
    void cachedAnswersAreTheRenderedArticleByteForByte() {
        String admin = api.loginAdmin();
        String title = "缓存击穿 — Größe ½";
        ApiClient.Response created = api.post("/api/articles", body(title), admin);
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        for (String strategy : new String[] {"none", "cache-aside", "null-caching", "bloom", "mutex", "logical-expiry",
                "two-level", "bloom+two-level"}) {
            // cache-aside's first read is a MISS; strategies sharing its key then start with a HIT
            for (String expected : new String[] {strategy.equals("cache-aside") ? "MISS" : "MISS|HIT", strategy.equals("none") ? "MISS" : "HIT"}) {
                ApiClient.Response r = api.get("/api/articles/" + id + "?strategy=" + strategy);
                assertThat(r.status()).as(strategy).isEqualTo(200);
                assertThat(r.header("X-Cache")).as(strategy).matches(expected);
                assertThat(r.header("Content-Type")).as(strategy).isEqualTo("application/json");
                assertThat(r.body()).as(strategy).isEqualTo(created.body());
                assertThat(r.json().get("title").asString()).as(strategy).isEqualTo(title);
            }
        }
        assertThat(api.delete("/api/articles/" + id, admin).status()).isEqualTo(204);
    }

    @Test
    void invalidAndOversizedBodiesAre400() {
        String admin = api.loginAdmin();
        ApiClient.Response blank = api.post("/api/articles", Map.of("title", "", "content", "c", "author", "a"), admin);
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.header("Content-Type")).startsWith("application/problem+json");
        ApiClient.Response huge = api.post("/api/articles", body("t".repeat(70_000)), admin);
        assertThat(huge.status()).isEqualTo(400);
        ApiClient.Response notJson = api.post("/api/articles", "title=x", admin);
        assertThat(notJson.status()).isIn(400, 415);
    }

    @Test
    void viewsRankArticlesAndLikesCountOncePerUser() {
        redis.delete(ArticleStats.HOT);
        for (int i = 0; i < 3; i++) api.post("/api/articles/21/views", null, null);
        for (int i = 0; i < 5; i++) api.post("/api/articles/22/views", null, null);
        ApiClient.Response view = api.post("/api/articles/23/views", null, null);
        assertThat(view.json().get("views").asLong()).isEqualTo(Long.parseLong(redis.opsForValue().get("cachelab:article:views:23")));
        ApiClient.Response hot = api.get("/api/articles/hot?limit=2");
        assertThat(hot.json().get(0).get("id").asLong()).isEqualTo(22);
        assertThat(hot.json().get(0).get("views").asLong()).isEqualTo(5);
        assertThat(hot.json().get(0).get("title").asString()).isEqualTo("Article 22");
        assertThat(hot.json().get(1).get("id").asLong()).isEqualTo(21);
        assertThat(hot.json().size()).isEqualTo(2);
        assertThat(api.post("/api/articles/9000000/views", null, null).status()).isEqualTo(404);

        assertThat(api.post("/api/articles/24/likes", null, null).status()).isEqualTo(401);
        String a = api.login("13700000002"), b = api.login("13700000003");
        assertThat(api.post("/api/articles/24/likes", null, a).json().get("added").asBoolean()).isTrue();
        ApiClient.Response again = api.post("/api/articles/24/likes", null, a);
        assertThat(again.json().get("added").asBoolean()).isFalse();
        assertThat(again.json().get("likes").asLong()).isEqualTo(1);
        api.post("/api/articles/24/likes", null, b);
        assertThat(api.get("/api/articles/24/likes/count").json().get("likes").asLong()).isEqualTo(2);
    }

    @Test
    void generatorAddsRowsAndTheirIdsToTheBloomFilter() {
        String admin = api.loginAdmin();
        ApiClient.Response r = api.post("/api/admin/articles/generate?count=50", null, admin);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("inserted").asLong()).isEqualTo(50);
        assertThat(r.json().get("bloomAdded").asLong()).isEqualTo(50);
        long last = r.json().get("total").asLong(); // no deletes before this in a fresh id range is not guaranteed
        assertThat(last).isGreaterThanOrEqualTo(1050);
        assertThat(api.post("/api/admin/articles/generate?count=0", null, admin).status()).isEqualTo(400);
    }

    @Test
    void openApiDescribesTheApi() {
        ApiClient.Response docs = api.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").has("/api/articles/{id}")).isTrue();
        assertThat(docs.json().get("paths").has("/api/auth/login")).isTrue();
        assertThat(api.get("/swagger-ui.html").status()).isIn(200, 302);
    }
}
