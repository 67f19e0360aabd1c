package io.cachelab.engine.command;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sorted-set family through Jedis against the engine on a random port. */
class ZSetCommandsTest extends EngineTestSupport {
    private Jedis jedis;
    private Jedis other;

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", engine.port());
        other = new Jedis("127.0.0.1", engine.port());
        jedis.flushAll();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
        other.close();
    }

    @Test
    void repliesMatchRedis7Transcript() throws Exception {
        replay("zset.transcript");
    }

    @Test
    void plainSetsAreInputsWithScoreOne() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(jedis.commandInfo("sadd").get("sadd") != null, "the set family is not in this build");
        replay("zset-sets.transcript");
    }

    private void awaitBlocked(int n) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (jedis.info("clients").contains("blocked_clients:" + n)) return;
            Thread.sleep(10);
        }
        throw new AssertionError("clients never blocked");
    }

    @Test
    void bzpopminIsServedByZaddFromAnotherClient() throws Exception {
        CompletableFuture<KeyValue<String, Tuple>> popped = CompletableFuture.supplyAsync(() -> other.bzpopmin(5.0, "z1", "z2"));
        awaitBlocked(1);
        jedis.zadd("z2", 2.5, "m");
        KeyValue<String, Tuple> kv = popped.get(5, TimeUnit.SECONDS);
        assertThat(kv.getKey()).isEqualTo("z2");
        assertThat(kv.getValue().getElement()).isEqualTo("m");
        assertThat(kv.getValue().getScore()).isEqualTo(2.5);
        assertThat(jedis.exists("z2")).isFalse();
    }

    @Test
    void bzpopmaxTimesOutWithNil() {
        long start = System.nanoTime();
        assertThat(other.bzpopmax(0.15, "none")).isNull();
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(100L, 3000L);
    }

    @Test
    void encodingConvertsPastTheListpackLimits() {
        for (int i = 0; i < 128; i++) jedis.zadd("big", i, "m" + i);
        assertThat(encodingOf("big")).isEqualTo("listpack");
        jedis.zadd("big", 128, "m128");
        assertThat(encodingOf("big")).isEqualTo("skiplist");
        jedis.zremrangeByRank("big", 0, 100);
        assertThat(encodingOf("big")).isEqualTo("skiplist");
        jedis.zadd("long", 1, "x".repeat(65));
        assertThat(encodingOf("long")).isEqualTo("skiplist");
        jedis.zunionstore("small", "big");
        assertThat(encodingOf("small")).isEqualTo("listpack");
    }

    @Test
    void zscanVisitsEveryMemberOfALargeSetOnce() {
        for (int i = 0; i < 1000; i++) jedis.zadd("s", i, "m" + i);
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        do {
            ScanResult<Tuple> page = jedis.zscan("s", cursor);
            page.getResult().forEach(t -> {
                seen.add(t.getElement());
                assertThat(t.getScore()).isEqualTo(Double.parseDouble(t.getElement().substring(1)));
            });
            cursor = page.getCursor();
        } while (!cursor.equals("0"));
        assertThat(seen).hasSize(1000);
    }

    @Test
    void zrandmemberWithPositiveCountIsDistinct() {
        for (int i = 0; i < 50; i++) jedis.zadd("r", i, "m" + i);
        assertThat(new HashSet<>(jedis.zrandmember("r", 20))).hasSize(20);
        assertThat(jedis.zrandmember("r", -100)).hasSize(100);
    }

    @Test
    void typedClientCallsWork() {
        assertThat(jedis.zadd("z", 1.1, "a")).isEqualTo(1);
        assertThat(jedis.zadd("z", 5, "a", ZAddParams.zAddParams().gt().ch())).isEqualTo(1);
        assertThat(jedis.zscore("z", "a")).isEqualTo(5.0);
        assertThat(jedis.zincrby("z", 0.5, "a")).isEqualTo(5.5);
        assertThat(jedis.zrangeWithScores("z", 0, -1)).containsExactly(new Tuple("a", 5.5));
        assertThat(jedis.type("z")).isEqualTo("zset");
    }
}
