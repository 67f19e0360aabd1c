package io.cachelab.engine.command;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LMPopArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lettuce (which negotiates RESP3, so sorted-set replies arrive as nested pairs and doubles) and
 * Redisson (RESP2) read list and sorted-set replies unchanged.
 */
class ClientCompatibilityTest extends EngineTestSupport {
    static RedisClient lettuce;
    static StatefulRedisConnection<String, String> connection;
    static RedisCommands<String, String> redis;

    @BeforeAll
    static void connectLettuce() {
        lettuce = RedisClient.create("redis://127.0.0.1:" + engine.port());
        connection = lettuce.connect();
        redis = connection.sync();
    }

    @AfterAll
    static void closeLettuce() {
        connection.close();
        lettuce.shutdown();
    }

    @Test
    void lettuceOverResp3ReadsSortedSetReplies() {
        redis.flushall();
        assertThat(redis.zadd("z", 1.5, "a")).isEqualTo(1);
        assertThat(redis.zadd("z", ZAddArgs.Builder.ch(), ScoredValue.just(2, "b"), ScoredValue.just(3, "a"))).isEqualTo(2);
        assertThat(redis.zrangeWithScores("z", 0, -1)).containsExactly(ScoredValue.just(2, "b"), ScoredValue.just(3, "a"));
        assertThat(redis.zrangebyscore("z", Range.create(2.5, 10), Limit.create(0, 1))).containsExactly("a");
        assertThat(redis.zscore("z", "a")).isEqualTo(3.0);
        assertThat(redis.zmscore("z", "a", "nope")).containsExactly(3.0, null);
        assertThat(redis.zincrby("z", 0.25, "b")).isEqualTo(2.25);
        assertThat(redis.zunionWithScores("z")).containsExactly(ScoredValue.just(2.25, "b"), ScoredValue.just(3, "a"));
        assertThat(redis.zpopmin("z")).isEqualTo(ScoredValue.just(2.25, "b"));
        assertThat(redis.zpopmax("z", 5)).containsExactly(ScoredValue.just(3, "a"));
        redis.zadd("z2", 7, "x");
        KeyValue<String, ScoredValue<String>> popped = redis.bzpopmin(1, "z2");
        assertThat(popped.getKey()).isEqualTo("z2");
        assertThat(popped.getValue()).isEqualTo(ScoredValue.just(7, "x"));
    }

    @Test
    void lettuceReadsListReplies() {
        redis.flushall();
        assertThat(redis.rpush("l", "a", "b", "c")).isEqualTo(3);
        assertThat(redis.lrange("l", 0, -1)).containsExactly("a", "b", "c");
        assertThat(redis.lpos("l", "c")).isEqualTo(2);
        assertThat(redis.lmpop(LMPopArgs.Builder.right().count(2), "nokey", "l").getValue()).containsExactly("c", "b");
        KeyValue<String, String> kv = redis.blpop(1, "l");
        assertThat(kv.getValue()).isEqualTo("a");
        assertThat(redis.blpop(0.1, "l")).isNull();
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void redissonQueuesAndScoredSetsWork() throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + engine.port())
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(1);
        RedissonClient redisson = Redisson.create(config);
        try {
            RBlockingQueue<String> queue = redisson.getBlockingQueue("jobs");
            queue.add("j1");
            assertThat(queue.poll(1, TimeUnit.SECONDS)).isEqualTo("j1");
            assertThat(queue.poll(100, TimeUnit.MILLISECONDS)).isNull();

            RScoredSortedSet<String> set = redisson.getScoredSortedSet("ranking");
            set.add(10, "alice");
            set.add(5.5, "bob");
            assertThat(set.getScore("bob")).isEqualTo(5.5);
            assertThat(set.rank("alice")).isEqualTo(1);
            assertThat(set.valueRange(0, -1)).containsExactly("bob", "alice");
            assertThat(List.copyOf(set.entryRange(0, -1))).extracting(e -> e.getScore()).containsExactly(5.5, 10.0);
            // (pollFirst runs a Lua script: covered once scripting lands)
            assertThat(set.first()).isEqualTo("bob");
            assertThat(set.removeRangeByRank(0, 0)).isEqualTo(1);
            assertThat(set.size()).isEqualTo(1);
        } finally {
            redisson.shutdown();
        }
    }
}
