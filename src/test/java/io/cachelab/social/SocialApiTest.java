package io.cachelab.social;

import io.cachelab.auth.TestUsers;
import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The social endpoints over real HTTP on the whole app (embedded engine, H2): follows and common
 * follows, the feed, daily sign-in. What lands in Redis is read back with Jedis, and which command
 * did the work is read from the engine's INFO commandstats.
 */
class SocialApiTest extends AppTestBase {
    private static final AtomicLong PHONES = new AtomicLong(16_600_000_000L);

    @Autowired
    ApplicationContext ctx;
    @Autowired
    SignIns signIns;

    List<TestUsers.User> users(int n) {
        return TestUsers.create(ctx, PHONES.getAndAdd(n), n);
    }

    static long id(TestUsers.User u) {
        return u.principal().id();
    }

    JsonNode ok(ApiClient.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r.json();
    }

    static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    static long calls(Jedis jedis, String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(jedis.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void followUnfollowFollowersAndCommonFollowsBySinter() {
        List<TestUsers.User> u = users(4);
        TestUsers.User a = u.get(0), b = u.get(1), c = u.get(2), d = u.get(3);
        for (TestUsers.User target : List.of(b, c, d)) {
            ok(api.put("/api/users/me/following/" + id(target), null, a.token()), 200);
        }
        JsonNode again = ok(api.put("/api/users/me/following/" + id(c), null, a.token()), 200);
        assertThat(again.toString()).isEqualTo("{\"userId\":" + id(a) + ",\"targetId\":" + id(c)
                + ",\"changed\":false,\"followingCount\":3}");
        ok(api.put("/api/users/me/following/" + id(c), null, b.token()), 200);
        JsonNode bd = ok(api.put("/api/users/me/following/" + id(d), null, b.token()), 200);
        assertThat(bd.get("changed").asBoolean()).isTrue();
        assertThat(bd.get("followingCount").asLong()).isEqualTo(2);

        JsonNode following = ok(api.get("/api/users/" + id(a) + "/following"), 200);
        assertThat(following.get("count").asLong()).isEqualTo(3);
        assertThat(longs(following.get("ids"))).containsExactly(id(b), id(c), id(d));
        assertThat(longs(ok(api.get("/api/users/" + id(c) + "/followers"), 200).get("ids"))).containsExactly(id(a), id(b));

        try (Jedis jedis = new Jedis("127.0.0.1", enginePort())) {
            assertThat(jedis.smembers("cachelab:social:{follow}:following:" + id(a)))
                    .containsExactlyInAnyOrder(Long.toString(id(b)), Long.toString(id(c)), Long.toString(id(d)));
            assertThat(jedis.smembers("cachelab:social:{follow}:followers:" + id(d)))
                    .containsExactlyInAnyOrder(Long.toString(id(a)), Long.toString(id(b)));
            long sinter = calls(jedis, "sinter");
            JsonNode common = ok(api.get("/api/users/" + id(a) + "/common-following?with=" + id(b)), 200);
            assertThat(common.toString()).isEqualTo("{\"userId\":" + id(a) + ",\"with\":" + id(b) + ",\"count\":2,\"ids\":["
                    + id(c) + "," + id(d) + "]}");
            assertThat(calls(jedis, "sinter")).isEqualTo(sinter + 1);

            JsonNode gone = ok(api.delete("/api/users/me/following/" + id(d), a.token()), 200);
            assertThat(gone.get("changed").asBoolean()).isTrue();
            assertThat(gone.get("followingCount").asLong()).isEqualTo(2);
            assertThat(ok(api.delete("/api/users/me/following/" + id(d), a.token()), 200).get("changed").asBoolean()).isFalse();
            assertThat(jedis.smembers("cachelab:social:{follow}:followers:" + id(d))).containsExactly(Long.toString(id(b)));
        }
        assertThat(longs(ok(api.get("/api/users/" + id(a) + "/common-following?with=" + id(b)), 200).get("ids")))
                .containsExactly(id(c));
        assertThat(ok(api.get("/api/users/" + id(d) + "/following"), 200).toString())
                .isEqualTo("{\"userId\":" + id(d) + ",\"count\":0,\"ids\":[]}");
    }

    @Test
    void badInputNamesTheFieldAndTheRule() {
        TestUsers.User a = users(1).get(0);
        ApiClient.Response self = api.put("/api/users/me/following/" + id(a), null, a.token());
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(self.json().get("detail").asString()).isEqualTo("invalid input: id: is your own id (a user cannot follow themselves)");
        assertThat(self.json().get("errors").toString()).isEqualTo("[{\"field\":\"id\",\"in\":\"path\",\"rule\":\"not yourself\","
                + "\"message\":\"is your own id (a user cannot follow themselves)\"}]");

        ApiClient.Response zero = api.put("/api/users/me/following/0", null, a.token());
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().get("errors").toString()).isEqualTo("[{\"field\":\"id\",\"in\":\"path\",\"rule\":\"Positive\","
                + "\"message\":\"must be greater than 0\"}]");
        ApiClient.Response unknown = api.put("/api/users/me/following/999999999", null, a.token());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asString()).isEqualTo("user 999999999 does not exist");

        ApiClient.Response missing = api.get("/api/users/" + id(a) + "/common-following");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("errors").toString()).isEqualTo("[{\"field\":\"with\",\"in\":\"query\",\"rule\":\"required\","
                + "\"message\":\"is missing\"}]");

        ApiClient.Response blank = api.post("/api/users/me/posts", Map.of("text", " "), a.token());
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().get("errors").toString()).isEqualTo("[{\"field\":\"text\",\"in\":\"body\",\"rule\":\"NotBlank\","
                + "\"message\":\"must not be blank\"}]");
        ApiClient.Response longText = api.post("/api/users/me/posts", Map.of("text", "x".repeat(281)), a.token());
        assertThat(longText.status()).isEqualTo(400);
        assertThat(longText.json().get("errors").get(0).get("rule").asString()).isEqualTo("Size(max=280)");

        ApiClient.Response month = api.get("/api/users/me/sign-ins?month=2026-13", a.token());
        assertThat(month.status()).isEqualTo(400);
        assertThat(month.json().get("errors").toString()).isEqualTo("[{\"field\":\"month\",\"in\":\"query\",\"rule\":\"ISO-8601 month\","
                + "\"message\":\"is not a month as yyyy-MM (e.g. 2026-12)\"}]");
        ApiClient.Response limit = api.get("/api/users/me/feed?limit=101", a.token());
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.json().get("errors").get(0).get("rule").asString()).isEqualTo("Max(100)");

        // writes need a user
        assertThat(api.put("/api/users/me/following/" + id(a), null, null).status()).isEqualTo(401);
        assertThat(api.post("/api/users/me/sign-ins", null, null).status()).isEqualTo(401);
    }

    @Test
    void aPostReachesTheFeedsOfItsFollowersNewestFirstPageByPage() {
        List<TestUsers.User> u = users(4);
        TestUsers.User author = u.get(0), reader = u.get(1), other = u.get(2), stranger = u.get(3);
        ok(api.put("/api/users/me/following/" + id(author), null, reader.token()), 200);
        ok(api.put("/api/users/me/following/" + id(author), null, other.token()), 200);
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            JsonNode posted = ok(api.post("/api/users/me/posts", Map.of("text", "post " + i), author.token()), 201);
            assertThat(posted.get("deliveredTo").asInt()).isEqualTo(2);
            assertThat(posted.get("post").get("authorId").asLong()).isEqualTo(id(author));
            ids.add(posted.get("post").get("id").asLong());
        }
        assertThat(ids.get(1)).isGreaterThan(ids.get(0));

        JsonNode first = ok(api.get("/api/users/me/feed?limit=2", reader.token()), 200);
        assertThat(longs(ids(first))).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.get("posts").get(0).get("text").asString()).isEqualTo("post 3");
        assertThat(first.get("next").asLong()).isEqualTo(ids.get(1));
        JsonNode second = ok(api.get("/api/users/me/feed?limit=2&before=" + ids.get(1), reader.token()), 200);
        assertThat(longs(ids(second))).containsExactly(ids.get(0));
        assertThat(second.get("next").isNull()).isTrue();
        // the author's own feed has the posts too; a stranger's has none
        assertThat(longs(ids(ok(api.get("/api/users/me/feed", author.token()), 200)))).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(ok(api.get("/api/users/me/feed", stranger.token()), 200).get("posts")).isEmpty();

        // push model: after unfollowing, new posts no longer arrive; delivered ones stay
        ok(api.delete("/api/users/me/following/" + id(author), reader.token()), 200);
        JsonNode fourth = ok(api.post("/api/users/me/posts", Map.of("text", "post 4"), author.token()), 201);
        assertThat(fourth.get("deliveredTo").asInt()).isEqualTo(1);
        assertThat(longs(ids(ok(api.get("/api/users/me/feed", reader.token()), 200)))).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(longs(ids(ok(api.get("/api/users/me/feed?limit=1", other.token()), 200))))
                .containsExactly(fourth.get("post").get("id").asLong());
        try (Jedis jedis = new Jedis("127.0.0.1", enginePort())) {
            assertThat(jedis.zcard("cachelab:social:feed:" + id(other))).isEqualTo(4);
            assertThat(jedis.hget("cachelab:social:post:" + ids.get(0), "text")).isEqualTo("post 1");
        }
    }

    static JsonNode ids(JsonNode page) {
        var array = tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        page.get("posts").forEach(p -> array.add(p.get("id").asLong()));
        return array;
    }

    @Test
    void signingInTodayOverHttp() {
        TestUsers.User a = users(1).get(0);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        JsonNode first = ok(api.post("/api/users/me/sign-ins", null, a.token()), 200);
        assertThat(first.toString()).isEqualTo("{\"date\":\"" + today + "\",\"alreadySignedIn\":false,\"daysThisMonth\":1,\"streak\":1}");
        JsonNode again = ok(api.post("/api/users/me/sign-ins", null, a.token()), 200);
        assertThat(again.toString()).isEqualTo("{\"date\":\"" + today + "\",\"alreadySignedIn\":true,\"daysThisMonth\":1,\"streak\":1}");
        JsonNode month = ok(api.get("/api/users/me/sign-ins", a.token()), 200);
        assertThat(month.toString()).isEqualTo("{\"month\":\"" + YearMonth.from(today) + "\",\"days\":[" + today.getDayOfMonth()
                + "],\"count\":1,\"streak\":1}");
        try (Jedis jedis = new Jedis("127.0.0.1", enginePort())) {
            String key = "cachelab:social:sign:" + id(a) + ":" + String.format("%d%02d", today.getYear(), today.getMonthValue());
            assertThat(jedis.getbit(key, today.getDayOfMonth() - 1)).isTrue();
            assertThat(jedis.bitcount(key)).isEqualTo(1);
        }
    }

    /** Days chosen by the test (the endpoint always signs today): counts, streaks, the bitmap's bytes. */
    @Test
    void streaksAreTheTrailingOnesOfTheMonthsBitfield() {
        long user = id(users(1).get(0));
        for (int day : new int[]{1, 2, 3, 5, 6}) signIns.signIn(user, LocalDate.of(2026, 12, day));
        SignIns.SignIn seventh = signIns.signIn(user, LocalDate.of(2026, 12, 7));
        assertThat(seventh).isEqualTo(new SignIns.SignIn(LocalDate.of(2026, 12, 7), false, 6, 3));
        SignIns.SignIn thirdAgain = signIns.signIn(user, LocalDate.of(2026, 12, 3));
        assertThat(thirdAgain).isEqualTo(new SignIns.SignIn(LocalDate.of(2026, 12, 3), true, 6, 3));

        assertThat(signIns.month(user, YearMonth.of(2026, 12), LocalDate.of(2026, 12, 7)))
                .isEqualTo(new SignIns.Month(YearMonth.of(2026, 12), List.of(1, 2, 3, 5, 6, 7), 6, 3));
        // today (the 8th) not signed yet: the streak ending today is 0
        assertThat(signIns.month(user, YearMonth.of(2026, 12), LocalDate.of(2026, 12, 8)).streak()).isZero();
        // a past month's streak ends on its last day; a month not begun has none
        for (int day = 26; day <= 31; day++) signIns.signIn(user, LocalDate.of(2026, 1, day));
        assertThat(signIns.month(user, YearMonth.of(2026, 1), LocalDate.of(2026, 12, 8)))
                .isEqualTo(new SignIns.Month(YearMonth.of(2026, 1), List.of(26, 27, 28, 29, 30, 31), 6, 6));
        assertThat(signIns.month(user, YearMonth.of(2027, 1), LocalDate.of(2026, 12, 8)))
                .isEqualTo(new SignIns.Month(YearMonth.of(2027, 1), List.of(), 0, 0));
        // a streak does not cross into the next month: the bitmap is per month
        assertThat(signIns.signIn(user, LocalDate.of(2026, 2, 1)).streak()).isEqualTo(1);
        // 29 February: the month's bitfield is u29
        assertThat(signIns.signIn(user, LocalDate.of(2028, 2, 29))).isEqualTo(new SignIns.SignIn(LocalDate.of(2028, 2, 29), false, 1, 1));
        assertThat(signIns.month(user, YearMonth.of(2028, 2), LocalDate.of(2028, 3, 1)).days()).containsExactly(29);

        try (Jedis jedis = new Jedis("127.0.0.1", enginePort())) {
            // days 1,2,3,5,6,7 are bits 0..6 of the first byte, most significant first: 1110 1110
            byte[] bitmap = jedis.get(("cachelab:social:sign:" + user + ":202612").getBytes());
            assertThat(bitmap).containsExactly((byte) 0b1110_1110);
            assertThat(jedis.bitfield("cachelab:social:sign:" + user + ":202612", "GET", "u7", "0")).containsExactly(0b1110111L);
        }
    }
}
