package io.cachelab.sync;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import com.alibaba.otter.canal.protocol.exception.CanalClientException;
import com.google.protobuf.ByteString;
import io.cachelab.engine.TestEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client loop against failures a real Canal server does not produce on demand: an entry whose
 * payload is not a RowChange, and a connection that drops mid-session. The connector is therefore
 * scripted (the only fake here; the real server is exercised by CanalSyncTest); dead letters go to a
 * real engine through Spring Data Redis. Row entries are real canal.protocol objects.
 */
class CanalChangeFeedTest {
    static TestEngine engine;
    static LettuceConnectionFactory factory;
    static StringRedisTemplate redis;

    CanalChangeFeed feed;

    @BeforeAll
    static void redis() {
        engine = TestEngine.start();
        factory = new LettuceConnectionFactory("127.0.0.1", engine.port());
        factory.afterPropertiesSet();
        factory.start();
        redis = new StringRedisTemplate(factory);
    }

    @AfterAll
    static void close() {
        factory.destroy();
        engine.close();
    }

    @AfterEach
    void stop() {
        if (feed != null) feed.stop();
        redis.delete(DeadLetters.KEY);
    }

    @Test
    void anUnreadableEntryIsRetriedThenDeadLetteredAndLaterBatchesFlow() {
        CanalEntry.Entry garbage = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntriesTest.header("article", CanalEntry.EventType.UPDATE, 500))
                .setStoreValue(ByteString.copyFromUtf8("\u00ff\u00ff not protobuf")).build();
        ScriptedConnector server = new ScriptedConnector();
        server.batches.add(List.of(garbage));
        server.batches.add(List.of(update(9, 600)));
        List<ChangeEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        feed = new CanalChangeFeed(props(2), () -> server, List.of(seen::add), new DeadLetters(redis, meters), meters);
        feed.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        assertThat(seen.get(0).id()).isEqualTo(9);
        assertThat(server.rollbacks).as("tried 1 + max-retries = 3 times: two failures roll back, the third dead-letters").isEqualTo(2);
        assertThat(server.acked).hasSize(2);
        assertThat(redis.opsForList().range(DeadLetters.KEY, 0, -1)).singleElement().asString()
                .contains("\"position\":\"bin.000003:500#-1\"", "\"table\":\"article\"", "unreadable row change");
        assertThat(meters.get("cachelab.sync.dead.letters").tag("source", "canal").counter().count()).isEqualTo(1.0);
        assertThat(feed.deadLettered()).isEqualTo(1);
    }

    @Test
    void aDroppedConnectionReconnectsAndRollsBackTheUnackedBatch() {
        ScriptedConnector first = new ScriptedConnector(), second = new ScriptedConnector();
        first.failNextGet = true;
        second.batches.add(List.of(update(5, 700)));
        Deque<ScriptedConnector> sessions = new ArrayDeque<>(List.of(first, second));
        List<ChangeEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Supplier<CanalConnector> connectors = () -> sessions.size() > 1 ? sessions.poll() : sessions.peek();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        feed = new CanalChangeFeed(props(3), connectors, List.of(seen::add), new DeadLetters(redis, meters), meters);
        feed.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        assertThat(first.disconnected).isTrue();
        assertThat(second.rollbacksOnConnect).as("a new session first rolls back what the old one left unacked").isEqualTo(1);
        assertThat(feed.lastError()).contains("connection reset");
        await().atMost(Duration.ofSeconds(5)).until(() -> feed.state() == CanalChangeFeed.State.CONNECTED);
    }

    static CanalProperties props(int maxRetries) {
        return new CanalProperties(true, "127.0.0.1", 11111, "example", "", "", ".*\\..*", 100, maxRetries,
                Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofMillis(5));
    }

    static CanalEntry.Entry update(long id, long offset) {
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setEventType(CanalEntry.EventType.UPDATE)
                .addRowDatas(CanalEntriesTest.row(CanalEntriesTest.cols("id", Long.toString(id)), CanalEntriesTest.cols("id", Long.toString(id))))
                .build();
        return CanalEntriesTest.entry("article", CanalEntry.EventType.UPDATE, offset, change);
    }

    /**
     * Canal's server semantics in miniature: a batch handed out and not acked is handed out again
     * after a rollback; an ack moves past it.
     */
    static final class ScriptedConnector implements CanalConnector {
        final Deque<List<CanalEntry.Entry>> batches = new ArrayDeque<>();
        final List<Long> acked = new ArrayList<>();
        volatile int rollbacks, rollbacksOnConnect;
        volatile boolean failNextGet, disconnected;
        private long nextId = 1, outstanding = -1;

        @Override
        public synchronized Message getWithoutAck(int batchSize) {
            if (failNextGet) {
                failNextGet = false;
                throw new CanalClientException("connection reset by peer");
            }
            if (batches.isEmpty()) return new Message(-1, new ArrayList<>());
            outstanding = nextId++;
            return new Message(outstanding, new ArrayList<>(batches.peek()));
        }

        @Override
        public synchronized void ack(long batchId) {
            if (batchId != outstanding) throw new CanalClientException("ack of unknown batch " + batchId);
            acked.add(batchId);
            batches.poll();
            outstanding = -1;
        }

        @Override
        public synchronized void rollback(long batchId) {
            rollbacks++;
            outstanding = -1;
        }

        @Override
        public synchronized void rollback() {
            rollbacksOnConnect++;
            outstanding = -1;
        }

        @Override
        public void connect() {
            disconnected = false;
        }

        @Override
        public void disconnect() {
            disconnected = true;
        }

        @Override
        public boolean checkValid() {
            return !disconnected;
        }

        @Override
        public void subscribe(String filter) {
        }

        @Override
        public void subscribe() {
        }

        @Override
        public void unsubscribe() {
        }

        @Override
        public Message get(int batchSize) {
            throw new UnsupportedOperationException("the feed acks explicitly");
        }

        @Override
        public Message get(int batchSize, Long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("the feed acks explicitly");
        }

        @Override
        public Message getWithoutAck(int batchSize, Long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("the feed polls without a server-side timeout");
        }
    }
}
