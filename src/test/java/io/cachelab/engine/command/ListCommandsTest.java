package io.cachelab.engine.command;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.util.KeyValue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The list family through Jedis against the engine on a random port. */
class ListCommandsTest extends EngineTestSupport {
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
        replay("list.transcript");
    }

    /** Waits until {@code n} clients are blocked, so the push below surely serves a parked client. */
    private void awaitBlocked(int n) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String info = jedis.info("clients");
            if (info.contains("blocked_clients:" + n)) return;
            Thread.sleep(10);
        }
        throw new AssertionError("clients never blocked: " + jedis.info("clients"));
    }

    @Test
    void blpopIsServedByAPushFromAnotherClient() throws Exception {
        CompletableFuture<KeyValue<String, String>> popped = CompletableFuture.supplyAsync(() -> other.blpop(5.0, "q1", "q2"));
        awaitBlocked(1);
        assertThat(jedis.rpush("q2", "job")).isEqualTo(1);
        KeyValue<String, String> kv = popped.get(5, TimeUnit.SECONDS);
        assertThat(kv.getKey()).isEqualTo("q2");
        assertThat(kv.getValue()).isEqualTo("job");
        assertThat(jedis.exists("q2")).isFalse();
    }

    @Test
    void onePushOfSeveralElementsServesEachBlockedClientInOrder() throws Exception {
        try (Jedis third = new Jedis("127.0.0.1", engine.port())) {
            CompletableFuture<KeyValue<String, String>> first = CompletableFuture.supplyAsync(() -> other.brpop(5.0, "q"));
            awaitBlocked(1);
            CompletableFuture<KeyValue<String, String>> second = CompletableFuture.supplyAsync(() -> third.brpop(5.0, "q"));
            awaitBlocked(2);
            assertThat(jedis.rpush("q", "a", "b", "c")).isEqualTo(3);
            assertThat(first.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("c");
            assertThat(second.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("b");
            assertThat(jedis.lrange("q", 0, -1)).containsExactly("a");
        }
    }

    @Test
    void blpopTimesOutWithNilAfterFractionalSeconds() {
        long start = System.nanoTime();
        assertThat(other.blpop(0.2, "never")).isNull();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).isBetween(150L, 3000L);
    }

    @Test
    void blmoveIsServedAndMovesTheElement() throws Exception {
        CompletableFuture<String> moved = CompletableFuture.supplyAsync(
                () -> other.blmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT, 5.0));
        awaitBlocked(1);
        jedis.rpush("dst", "x");
        jedis.lpush("src", "v");
        assertThat(moved.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(jedis.lrange("dst", 0, -1)).containsExactly("x", "v");
        assertThat(jedis.exists("src")).isFalse();
    }

    @Test
    void brpoplpushTimesOutWithNil() {
        assertThat(other.brpoplpush("none", "dst", 1)).isNull();
    }

    @Test
    void blmpopServesCountElements() throws Exception {
        CompletableFuture<Object> popped = CompletableFuture.supplyAsync(
                () -> other.sendBlockingCommand(() -> "BLMPOP".getBytes(), "5".getBytes(), "2".getBytes(), "a".getBytes(),
                        "b".getBytes(), "RIGHT".getBytes(), "COUNT".getBytes(), "2".getBytes()));
        awaitBlocked(1);
        jedis.rpush("b", "1", "2", "3");
        @SuppressWarnings("unchecked")
        List<Object> reply = (List<Object>) popped.get(5, TimeUnit.SECONDS);
        assertThat(new String((byte[]) reply.get(0))).isEqualTo("b");
        @SuppressWarnings("unchecked")
        List<byte[]> elements = (List<byte[]>) reply.get(1);
        assertThat(elements).extracting(String::new).containsExactly("3", "2");
        assertThat(jedis.lrange("b", 0, -1)).containsExactly("1");
    }

    @Test
    void typedClientCallsWork() {
        assertThat(jedis.rpush("l", "a", "b", "c")).isEqualTo(3);
        assertThat(jedis.lpop("l", 2)).containsExactly("a", "b");
        assertThat(jedis.linsert("l", redis.clients.jedis.args.ListPosition.BEFORE, "c", "z")).isEqualTo(2);
        assertThat(jedis.lrange("l", 0, -1)).containsExactly("z", "c");
        assertThat(jedis.lpos("l", "c")).isEqualTo(1);
        assertThat(jedis.type("l")).isEqualTo("list");
    }
}
