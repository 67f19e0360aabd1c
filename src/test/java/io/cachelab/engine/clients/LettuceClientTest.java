package io.cachelab.engine.clients;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DataAccessException;
import redis.clients.jedis.params.ClientKillParams;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Spring Data Redis over Lettuce, the way the service uses it, once per protocol: Lettuce opens with
 * HELLO 3 and reads RESP3 maps, sets, doubles and push frames; forced to RESP2 it reads flat arrays and
 * pub/sub as arrays on a dedicated connection. Both paths must give the template identical results.
 * One engine serves both protocols; each protocol keeps one factory for the whole class.
 */
class LettuceClientTest {
    static final Target ENGINE = Target.start();
    static final Map<ProtocolVersion, LettuceConnectionFactory> FACTORIES = new EnumMap<>(ProtocolVersion.class);

    @AfterAll
    static void stop() {
        FACTORIES.values().forEach(LettuceConnectionFactory::destroy);
        ENGINE.close();
    }

    static synchronized LettuceConnectionFactory factory(ProtocolVersion protocol) {
        return FACTORIES.computeIfAbsent(protocol, p -> {
            LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                    .clientOptions(ClientOptions.builder().protocolVersion(p).build())
                    .commandTimeout(Duration.ofSeconds(5))
                    .build();
            LettuceConnectionFactory f = new LettuceConnectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", ENGINE.port()), client);
            f.afterPropertiesSet();
            f.start();
            return f;
        });
    }

    static StringRedisTemplate template(ProtocolVersion protocol) {
        StringRedisTemplate t = new StringRedisTemplate(factory(protocol));
        t.afterPropertiesSet();
        t.execute((RedisCallback<Object>) c -> {
            c.serverCommands().flushAll();
            return null;
        });
        return t;
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void negotiatesTheProtocol(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        assertThat(clientInfo(t)).containsEntry("resp", protocol == ProtocolVersion.RESP3 ? "3" : "2")
                .containsEntry("cmd", "client|info").containsEntry("db", "0");
        assertThat(t.execute((RedisCallback<String>) RedisConnection::ping)).isEqualTo("PONG");
        // what Spring Boot's health indicator reads
        Properties server = t.execute((RedisCallback<Properties>) c -> c.serverCommands().info("server"));
        assertThat(server.getProperty("redis_version")).isEqualTo("7.0.15");
        assertThat(server.getProperty("tcp_port")).isEqualTo(Integer.toString(ENGINE.port()));
    }

    /** spring.data.redis.database and client-name: Lettuce selects the database and names itself on connect. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void databaseAndClientName(ProtocolVersion protocol) {
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration("127.0.0.1", ENGINE.port());
        server.setDatabase(3);
        LettuceConnectionFactory f = new LettuceConnectionFactory(server, LettuceClientConfiguration.builder()
                .clientOptions(ClientOptions.builder().protocolVersion(protocol).build())
                .clientName("cachelab-" + protocol)
                .build());
        f.afterPropertiesSet();
        f.start();
        try (var probe = ENGINE.jedis()) {
            probe.flushAll();
            StringRedisTemplate t = new StringRedisTemplate(f);
            t.opsForValue().set("in-db-3", "v");
            String info = t.execute((RedisCallback<String>) c -> string(c.execute("CLIENT", bytes("INFO"))));
            assertThat(info).contains(" name=cachelab-" + protocol + " ", " db=3 ");
            assertThat(probe.exists("in-db-3")).isFalse();
            probe.select(3);
            assertThat(probe.get("in-db-3")).isEqualTo("v");
        } finally {
            f.destroy();
        }
    }

    /** The server closing Lettuce's shared connection (CLIENT KILL) is survived by reconnecting. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void reconnectsAfterClientKill(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        t.opsForValue().set("survives", "v");
        String id = clientInfo(t).get("id");
        try (var probe = ENGINE.jedis()) {
            assertThat(probe.clientKill(ClientKillParams.clientKillParams().id(id))).isEqualTo(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String value = null;
        while (value == null) {
            try {
                value = t.opsForValue().get("survives");
            } catch (RuntimeException reconnecting) {
                assertThat(System.nanoTime()).as("reconnected: %s", reconnecting).isLessThan(deadline);
            }
        }
        assertThat(value).isEqualTo("v");
        assertThat(clientInfo(t).get("id")).isNotEqualTo(id);
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void keysAndScan(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        for (int i = 0; i < 100; i++) t.opsForValue().set("scan:" + i, "v");
        t.opsForList().rightPush("list", "x");
        Set<String> scanned = new HashSet<>();
        try (Cursor<String> cursor = t.scan(ScanOptions.scanOptions().match("scan:*").count(10).build())) {
            cursor.forEachRemaining(scanned::add);
        }
        assertThat(scanned).hasSize(100).contains("scan:0", "scan:99");
        assertThat(t.keys("scan:1?")).hasSize(10);
        assertThat(t.type("list")).isEqualTo(DataType.LIST);
        assertThat(t.type("scan:1")).isEqualTo(DataType.STRING);
        assertThat(t.type("missing")).isEqualTo(DataType.NONE);
        t.rename("list", "renamed");
        assertThat(t.hasKey("list")).isFalse();
        assertThat(t.countExistingKeys(List.of("renamed", "scan:1", "missing"))).isEqualTo(2);
        assertThat(t.execute((RedisCallback<Long>) c -> c.serverCommands().dbSize())).isEqualTo(101);
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void valuesAndCounters(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        var values = t.opsForValue();
        values.set("greeting", "hello");
        assertThat(values.get("greeting")).isEqualTo("hello");
        assertThat(values.get("missing")).isNull();
        assertThat(values.setIfAbsent("greeting", "other")).isFalse();
        assertThat(values.setIfAbsent("fresh", "v")).isTrue();
        assertThat(values.getAndSet("greeting", "bye")).isEqualTo("hello");
        assertThat(values.append("greeting", "!")).isEqualTo(4);
        assertThat(values.size("greeting")).isEqualTo(4);
        values.multiSet(Map.of("a", "1", "b", "2"));
        assertThat(values.multiGet(List.of("a", "missing", "b"))).containsExactly("1", null, "2");
        assertThat(values.increment("counter")).isEqualTo(1);
        assertThat(values.increment("counter", 41)).isEqualTo(42);
        assertThat(values.decrement("counter")).isEqualTo(41);
        assertThat(values.increment("float", 2.5)).isEqualTo(2.5);
        assertThat(values.getAndDelete("counter")).isEqualTo("41");
        assertThat(t.hasKey("counter")).isFalse();
        assertThat(t.delete(List.of("a", "b", "missing"))).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void hashes(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        var hash = t.<String, String>opsForHash();
        hash.putAll("user:1", Map.of("name", "ada", "visits", "1"));
        hash.put("user:1", "lang", "en");
        assertThat(hash.get("user:1", "name")).isEqualTo("ada");
        assertThat(hash.entries("user:1")).containsOnly(entry("name", "ada"), entry("visits", "1"), entry("lang", "en"));
        assertThat(hash.increment("user:1", "visits", 4)).isEqualTo(5);
        assertThat(hash.hasKey("user:1", "lang")).isTrue();
        assertThat(hash.multiGet("user:1", List.of("name", "missing"))).containsExactly("ada", null);
        assertThat(hash.putIfAbsent("user:1", "name", "bob")).isFalse();
        assertThat(hash.delete("user:1", "lang", "missing")).isEqualTo(1);
        assertThat(hash.size("user:1")).isEqualTo(2);
        assertThat(hash.keys("user:1")).containsExactlyInAnyOrder("name", "visits");
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void lists(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        var list = t.opsForList();
        assertThat(list.rightPushAll("queue", "a", "b", "c")).isEqualTo(3);
        assertThat(list.leftPush("queue", "z")).isEqualTo(4);
        assertThat(list.range("queue", 0, -1)).containsExactly("z", "a", "b", "c");
        assertThat(list.index("queue", 1)).isEqualTo("a");
        assertThat(list.size("queue")).isEqualTo(4);
        assertThat(list.leftPop("queue")).isEqualTo("z");
        assertThat(list.rightPop("queue")).isEqualTo("c");
        assertThat(list.rightPopAndLeftPush("queue", "other")).isEqualTo("b");
        assertThat(list.leftPop("queue", Duration.ofSeconds(1))).isEqualTo("a");
        assertThat(list.leftPop("queue", Duration.ofMillis(100))).isNull();
        assertThat(t.hasKey("queue")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void sets(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        var sets = t.opsForSet();
        assertThat(sets.add("s1", "a", "b", "c", "a")).isEqualTo(3);
        assertThat(sets.add("s2", "b", "c", "d")).isEqualTo(3);
        assertThat(sets.members("s1")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(sets.isMember("s1", "a")).isTrue();
        assertThat(sets.isMember("s1", "d")).isFalse();
        assertThat(sets.intersect("s1", "s2")).containsExactlyInAnyOrder("b", "c");
        assertThat(sets.union("s1", "s2")).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(sets.difference("s1", "s2")).containsExactly("a");
        assertThat(sets.remove("s1", "a", "missing")).isEqualTo(1);
        assertThat(sets.size("s1")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void sortedSets(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        var zset = t.opsForZSet();
        assertThat(zset.add("board", "ada", 10)).isTrue();
        assertThat(zset.add("board", Set.of(TypedTuple.of("bob", 5.0), TypedTuple.of("cy", 7.5)))).isEqualTo(2);
        assertThat(zset.score("board", "cy")).isEqualTo(7.5);
        assertThat(zset.incrementScore("board", "bob", 10)).isEqualTo(15.0);
        assertThat(zset.range("board", 0, -1)).containsExactly("cy", "ada", "bob");
        assertThat(zset.reverseRange("board", 0, 0)).containsExactly("bob");
        assertThat(zset.rangeWithScores("board", 0, 1)).extracting(TypedTuple::getValue, TypedTuple::getScore)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cy", 7.5), org.assertj.core.groups.Tuple.tuple("ada", 10.0));
        assertThat(zset.rank("board", "ada")).isEqualTo(1);
        assertThat(zset.rangeByScore("board", 8, 20)).containsExactly("ada", "bob");
        assertThat(zset.count("board", 0, 10)).isEqualTo(2);
        assertThat(zset.remove("board", "cy")).isEqualTo(1);
        assertThat(zset.size("board")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void ttls(ProtocolVersion protocol) throws InterruptedException {
        StringRedisTemplate t = template(protocol);
        t.opsForValue().set("session", "v", Duration.ofSeconds(100));
        assertThat(t.getExpire("session")).isBetween(99L, 100L);
        assertThat(t.getExpire("session", TimeUnit.MILLISECONDS)).isBetween(99_000L, 100_000L);
        t.opsForValue().set("plain", "v");
        assertThat(t.getExpire("plain")).isEqualTo(-1);
        assertThat(t.getExpire("missing")).isEqualTo(-2);
        assertThat(t.expire("plain", Duration.ofSeconds(30))).isTrue();
        assertThat(t.getExpire("plain")).isBetween(29L, 30L);
        assertThat(t.persist("plain")).isTrue();
        assertThat(t.getExpire("plain")).isEqualTo(-1);

        t.opsForValue().set("short", "v", Duration.ofMillis(50));
        assertThat(t.hasKey("short")).isTrue();
        awaitValue(() -> t.hasKey("short") ? 1 : 0, 0);
        assertThat(t.opsForValue().get("short")).isNull();
    }

    /** executePipelined: 1,000 commands written without waiting, results in order. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pipelining(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        List<Object> results = t.executePipelined((RedisCallback<Object>) c -> {
            for (int i = 0; i < 500; i++) {
                c.stringCommands().set(bytes("p:" + i), bytes("v" + i));
                c.stringCommands().incr(bytes("pcount"));
            }
            return null;
        });
        assertThat(results).hasSize(1000);
        for (int i = 0; i < 500; i++) {
            assertThat(results.get(2 * i)).isEqualTo(true);
            assertThat(results.get(2 * i + 1)).isEqualTo((long) i + 1);
        }
        List<Object> reads = t.executePipelined((RedisCallback<Object>) c -> {
            for (int i = 0; i < 1000; i++) c.stringCommands().get(bytes("p:" + (i % 500)));
            return null;
        });
        assertThat(reads).hasSize(1000);
        for (int i = 0; i < 1000; i++) assertThat(reads.get(i)).isEqualTo("v" + (i % 500));
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void transactions(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        List<Object> results = t.execute(new SessionCallback<>() {
            @Override
            @SuppressWarnings("unchecked")
            public List<Object> execute(RedisOperations ops) throws DataAccessException {
                ops.multi();
                ops.opsForValue().set("tx:a", "1");
                ops.opsForValue().increment("tx:a");
                ops.opsForHash().put("tx:h", "f", "v");
                ops.opsForList().rightPush("tx:l", "x");
                return ops.exec();
            }
        });
        assertThat(results).containsExactly(true, 2L, true, 1L);
        assertThat(t.opsForValue().get("tx:a")).isEqualTo("2");

        t.opsForValue().set("tx:watched", "before");
        List<Object> aborted = t.execute(new SessionCallback<>() {
            @Override
            @SuppressWarnings("unchecked")
            public List<Object> execute(RedisOperations ops) throws DataAccessException {
                ops.watch("tx:watched");
                try (RedisConnection other = factory(protocol).getConnection()) {
                    other.stringCommands().set(bytes("tx:watched"), bytes("other"));
                }
                ops.multi();
                ops.opsForValue().set("tx:watched", "mine");
                return ops.exec();
            }
        });
        assertThat(aborted).isEmpty();
        assertThat(t.opsForValue().get("tx:watched")).isEqualTo("other");
    }

    /** A channel and a pattern subscription through the listener container; RESP3 delivers them as push frames. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pubSub(ProtocolVersion protocol) throws Exception {
        StringRedisTemplate t = template(protocol);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(16);
        // the container hands the listener the topic it subscribed (channel or pattern) as `pattern`
        MessageListener listener = (Message message, byte[] topic) -> received.add(
                string(topic) + " " + string(message.getChannel()) + "=" + string(message.getBody()));
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory(protocol));
        container.addMessageListener(listener, new ChannelTopic("news"));
        container.addMessageListener(listener, new PatternTopic("alerts.*"));
        container.afterPropertiesSet();
        container.start();
        try {
            try (var probe = ENGINE.jedis()) {
                awaitValue(() -> probe.pubsubNumSub("news").get("news"), 1);
                awaitValue(probe::pubsubNumPat, 1);
            }
            assertThat(t.convertAndSend("news", "first")).isEqualTo(1);
            assertThat(t.convertAndSend("alerts.disk", "full")).isEqualTo(1);
            assertThat(t.convertAndSend("alerts", "nobody")).isEqualTo(0);
            // the container dispatches each message on its task executor, so arrival order is free
            assertThat(List.of(received.poll(5, TimeUnit.SECONDS), received.poll(5, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("news news=first", "alerts.* alerts.disk=full");
            assertThat(received.poll(50, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            container.stop();
            container.destroy();
        }
    }

    /** Keyspace events as Spring's KeyExpirationEventMessageListener consumes them: expired keys announced on __keyevent@0__:expired. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void expiredKeyEvents(ProtocolVersion protocol) throws Exception {
        StringRedisTemplate t = template(protocol);
        BlockingQueue<String> expired = new ArrayBlockingQueue<>(16);
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory(protocol));
        container.addMessageListener((message, topic) -> expired.add(string(message.getChannel()) + " " + string(message.getBody())),
                new PatternTopic("__keyevent@*__:expired"));
        container.afterPropertiesSet();
        container.start();
        t.execute((RedisCallback<Object>) c -> {
            c.serverCommands().setConfig("notify-keyspace-events", "Ex");
            return null;
        });
        try (var probe = ENGINE.jedis()) {
            awaitValue(probe::pubsubNumPat, 1);
            t.opsForValue().set("expiring", "v", Duration.ofMillis(100));
            t.opsForValue().set("lasting", "v", Duration.ofMinutes(1));
            // nobody reads the key: the active expiry cycle must find it and announce it
            assertThat(expired.poll(5, TimeUnit.SECONDS)).isEqualTo("__keyevent@0__:expired expiring");
            assertThat(expired.poll(50, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            t.execute((RedisCallback<Object>) c -> {
                c.serverCommands().setConfig("notify-keyspace-events", "");
                return null;
            });
            container.stop();
            container.destroy();
        }
    }

    /** DefaultRedisScript runs EVALSHA; after SCRIPT FLUSH it gets NOSCRIPT and falls back to EVAL. */
    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void scripts(ProtocolVersion protocol) {
        StringRedisTemplate t = template(protocol);
        t.execute((RedisCallback<Object>) c -> {
            c.scriptingCommands().scriptFlush();
            return null;
        });
        DefaultRedisScript<Long> incrBy = new DefaultRedisScript<>("return redis.call('incrby', KEYS[1], ARGV[1])", Long.class);
        assertThat(t.execute((RedisCallback<List<Boolean>>) c -> c.scriptingCommands().scriptExists(incrBy.getSha1())))
                .containsExactly(false);
        assertThat(t.execute(incrBy, List.of("script:n"), "5")).isEqualTo(5);
        assertThat(t.execute((RedisCallback<List<Boolean>>) c -> c.scriptingCommands().scriptExists(incrBy.getSha1())))
                .containsExactly(true);
        assertThat(t.execute(incrBy, List.of("script:n"), "7")).isEqualTo(12);

        DefaultRedisScript<List> pair = new DefaultRedisScript<>(
                "redis.call('set', KEYS[1], ARGV[1]); return {redis.call('get', KEYS[1]), redis.call('strlen', KEYS[1])}", List.class);
        assertThat(t.execute(pair, List.of("script:s"), "abc")).isEqualTo(List.of("abc", 3L));
        DefaultRedisScript<String> status = new DefaultRedisScript<>("return redis.call('set', KEYS[1], 'x')", String.class);
        assertThat(t.execute(status, List.of("script:s"))).isEqualTo("OK");
        DefaultRedisScript<Boolean> nilIsFalse = new DefaultRedisScript<>(
                "return redis.call('get', KEYS[1]) == false", Boolean.class);
        assertThat(t.execute(nilIsFalse, List.of("script:absent"))).isTrue();
    }

    /** CLIENT INFO of the template's connection, field by field. */
    private static Map<String, String> clientInfo(StringRedisTemplate t) {
        String info = t.execute((RedisCallback<String>) c -> string(c.execute("CLIENT", bytes("INFO")))).trim();
        Map<String, String> fields = new HashMap<>();
        for (String field : info.split(" ")) fields.put(field.substring(0, field.indexOf('=')), field.substring(field.indexOf('=') + 1));
        return fields;
    }

    private static void awaitValue(LongSupplier probe, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long last;
        while ((last = probe.getAsLong()) != expected) {
            assertThat(System.nanoTime()).as("waiting for %d, last %d", expected, last).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
