package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBitSet;
import org.redisson.api.RBloomFilter;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redisson, unchanged, on the engine's bitmaps: RBloomFilter (SETBIT/GETBIT inside its Lua scripts,
 * sized for a million elements at 1%) and RBitSet (SETBIT, GETBIT, BITCOUNT, BITOP, BITPOS).
 */
class RedissonBitmapsTest {
    static final TestEngine ENGINE = TestEngine.start();
    static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + ENGINE.port())
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(1);
        redisson = Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        redisson.shutdown();
        ENGINE.close();
    }

    @Test
    void bloomFilterForAMillionElementsAtOnePercent() {
        RBloomFilter<String> filter = redisson.getBloomFilter("bloom", StringCodec.INSTANCE);
        assertThat(filter.tryInit(1_000_000, 0.01)).isTrue();
        assertThat(filter.tryInit(1_000_000, 0.01)).isFalse();
        assertThat(filter.getSize()).isEqualTo(9_585_058L);
        assertThat(filter.getHashIterations()).isEqualTo(7);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) added.add("item:" + i);
        assertThat(filter.add(added)).isEqualTo(20_000L);
        for (int i = 0; i < 20_000; i += 97) assertThat(filter.contains("item:" + i)).isTrue();
        int falsePositives = 0;
        for (int i = 0; i < 1_000; i++) if (filter.contains("other:" + i)) falsePositives++;
        // 20k of 1M expected insertions fill 1.4% of the bits: a false positive has odds of ~1e-13
        assertThat(falsePositives).isZero();
        assertThat(filter.count()).isBetween(19_900L, 20_100L);
    }

    @Test
    void bitSetOperations() {
        RBitSet a = redisson.getBitSet("bits:a");
        RBitSet b = redisson.getBitSet("bits:b");
        assertThat(a.set(3)).isFalse();
        assertThat(a.set(3)).isTrue();
        a.set(10, 20);
        b.set(15, 30);
        assertThat(a.get(12)).isTrue();
        assertThat(a.get(25)).isFalse();
        assertThat(a.cardinality()).isEqualTo(11);
        assertThat(a.length()).isEqualTo(20);
        a.and("bits:b");
        BitSet expected = new BitSet();
        expected.set(15, 20);
        assertThat(a.asBitSet()).isEqualTo(expected);
        b.not();
        assertThat(b.get(0)).isTrue();
        assertThat(b.get(15)).isFalse();
        assertThat(a.size()).isEqualTo(32); // BITOP's result is as long as its longest input
    }
}
