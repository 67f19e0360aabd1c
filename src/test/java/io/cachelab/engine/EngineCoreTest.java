package io.cachelab.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The core through a real client (Jedis): connection, strings, keys and expiry, transactions, errors. */
class EngineCoreTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
        }
    }

    @Test
    void stringsAndCounters() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.set("k", "v")).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("v");
            assertThat(j.get("missing")).isNull();
            assertThat(j.incr("n")).isEqualTo(1);
            assertThat(j.incrBy("n", 41)).isEqualTo(42);
            assertThat(j.decrBy("n", 2)).isEqualTo(40);
            assertThat(j.append("k", "w")).isEqualTo(2);
            assertThat(j.strlen("k")).isEqualTo(2);
            assertThatThrownBy(() -> j.incr("k")).hasMessage("ERR value is not an integer or out of range");
            j.set("max", Long.toString(Long.MAX_VALUE));
            assertThatThrownBy(() -> j.incr("max")).hasMessage("ERR increment or decrement would overflow");
            assertThat(j.set("k", "x", SetParams.setParams().nx())).isNull();
            assertThat(j.setGet("k", "y")).isEqualTo("vw");
            assertThat(j.mget("k", "missing", "n")).containsExactly("y", null, "40");
        }
    }

    @Test
    void expiryIsLazyAndActive() throws InterruptedException {
        try (Jedis j = ENGINE.jedis()) {
            j.set("a", "1", SetParams.setParams().px(50));
            j.set("b", "1", SetParams.setParams().px(50));
            assertThat(j.pttl("a")).isBetween(1L, 50L);
            assertThat(j.ttl("missing")).isEqualTo(-2);
            j.set("p", "1");
            assertThat(j.ttl("p")).isEqualTo(-1);
            Thread.sleep(120);
            assertThat(j.get("a")).isNull(); // lazy
            Thread.sleep(300);
            // b was never read again: the active cycle removed it
            assertThat(j.dbSize()).isEqualTo(1);
            assertThat(j.info("stats")).contains("expired_keys:2");
            assertThat(j.expire("p", -1)).isEqualTo(1);
            assertThat(j.exists("p")).isFalse();
        }
    }

    @Test
    void expireOptions() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("k", "v");
            assertThat(j.sendCommand(() -> "EXPIRE".getBytes(), "k", "100", "XX")).isEqualTo(0L);
            assertThat(j.sendCommand(() -> "EXPIRE".getBytes(), "k", "100", "NX")).isEqualTo(1L);
            assertThat(j.sendCommand(() -> "EXPIRE".getBytes(), "k", "50", "GT")).isEqualTo(0L);
            assertThat(j.sendCommand(() -> "EXPIRE".getBytes(), "k", "50", "LT")).isEqualTo(1L);
            assertThatThrownBy(() -> j.sendCommand(() -> "EXPIRE".getBytes(), "k", "5", "NX", "XX"))
                    .hasMessage("ERR NX and XX, GT or LT options at the same time are not compatible");
            assertThat(j.persist("k")).isEqualTo(1);
        }
    }

    @Test
    void transactionsQueueAbortAndWatch() {
        try (Jedis j = ENGINE.jedis(); Jedis other = ENGINE.jedis()) {
            Transaction t = j.multi();
            t.set("a", "1");
            t.incr("a");
            t.incr("a");
            List<Object> results = t.exec();
            assertThat(results).containsExactly("OK", 2L, 3L);

            // a runtime error does not roll back
            j.set("s", "text");
            t = j.multi();
            t.incr("s");
            t.set("after", "yes");
            results = t.exec();
            assertThat(results.get(0)).isInstanceOf(JedisDataException.class);
            assertThat(j.get("after")).isEqualTo("yes");

            // WATCH broken by another client's write
            j.watch("a");
            other.set("a", "changed");
            t = j.multi();
            t.set("a", "mine");
            assertThat(t.exec()).isNull();
            assertThat(j.get("a")).isEqualTo("changed");
        }
    }

    @Test
    void queuingErrorAbortsWithExecAbort() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ENGINE.port())) {
            OutputStream out = s.getOutputStream();
            out.write("MULTI\r\nSET a\r\nNOSUCHCMD\r\nEXEC\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String expected = "+OK\r\n-ERR wrong number of arguments for 'set' command\r\n"
                    + "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n"
                    + "-EXECABORT Transaction discarded because of previous errors.\r\n";
            byte[] buf = new InputStream[]{s.getInputStream()}[0].readNBytes(expected.length());
            assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo(expected);
        }
    }

    @Test
    void pipelineIsAnsweredInOrder() {
        try (Jedis j = ENGINE.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 1000; i++) p.incr("c");
            List<Object> all = p.syncAndReturnAll();
            assertThat(all).hasSize(1000);
            assertThat(all.get(999)).isEqualTo(1000L);
        }
    }

    @Test
    void scanVisitsEveryKeyOnce() {
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 0; i < 500; i++) j.set("key:" + i, "v");
            java.util.Set<String> seen = new java.util.HashSet<>();
            String cursor = "0";
            do {
                var r = j.scan(cursor);
                seen.addAll(r.getResult());
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
            assertThat(seen).hasSize(500);
            assertThat(j.keys("key:1?")).hasSize(10);
        }
    }

    @Test
    void selectSwapdbAndErrors() {
        try (Jedis j = ENGINE.jedis()) {
            j.set("x", "db0");
            j.select(1);
            assertThat(j.get("x")).isNull();
            j.swapDB(0, 1);
            assertThat(j.get("x")).isEqualTo("db0");
            assertThatThrownBy(() -> j.select(16)).hasMessage("ERR DB index is out of range");
            assertThatThrownBy(() -> j.sendCommand(() -> "GET".getBytes()))
                    .hasMessage("ERR wrong number of arguments for 'get' command");
            assertThat(j.configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
            assertThatThrownBy(() -> j.configSet("maxmemory", "lots"))
                    .hasMessage("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
        }
    }

    @Test
    void pubSubDeliversToChannelsAndPatterns() throws Exception {
        try (Socket sub = new Socket("127.0.0.1", ENGINE.port()); Jedis pub = ENGINE.jedis()) {
            OutputStream out = sub.getOutputStream();
            InputStream in = sub.getInputStream();
            out.write("SUBSCRIBE news\r\nPSUBSCRIBE n*\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String confirm = "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n";
            assertThat(new String(in.readNBytes(confirm.length()), StandardCharsets.US_ASCII)).isEqualTo(confirm);
            assertThat(pub.publish("news", "hi")).isEqualTo(2);
            String msgs = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n";
            assertThat(new String(in.readNBytes(msgs.length()), StandardCharsets.US_ASCII)).isEqualTo(msgs);
        }
    }
}
