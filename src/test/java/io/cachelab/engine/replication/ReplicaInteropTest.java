package io.cachelab.engine.replication;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.it.RealRedis;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real redis-server 7.0.15 as the engine's replica: it must complete the PSYNC handshake, load
 * our RDB, apply the stream, acknowledge it (WAIT), and after a link drop continue with +CONTINUE.
 * The datasets are compared with DEBUG DIGEST, which both compute the same way.
 */
@Tag("it")
class ReplicaInteropTest {

    private static Map<String, String> info(Jedis j) {
        return j.info("replication").lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)));
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void aRealReplicaSyncsAppliesTheStreamAndAcknowledgesIt() throws Exception {
        try (TestEngine engine = TestEngine.start(); Jedis master = engine.jedis()) {
            master.set("before", "sync");
            master.rpush("list", "a", "b", "c");
            master.hset("hash", Map.of("f1", "v1", "f2", "v2"));
            master.zadd("zset", 1.5, "m");
            master.select(3);
            master.setex("ttl", 1000, "x");
            master.select(0);

            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(engine.port()),
                    "--enable-debug-command", "yes");
                 Jedis r = new Jedis("127.0.0.1", replica.port(), 5000)) {
                waitFor(() -> "up".equals(info(r).get("master_link_status")), "master_link_status:up");

                master.incrBy("counter", 41);
                master.incr("counter");
                master.sadd("set", "x", "y");
                master.expire("list", 500);
                master.eval("redis.call('set', KEYS[1], 'from-script'); redis.call('lpush', KEYS[2], 'z')", 2, "s", "list2");
                var tx = master.multi();
                tx.set("tx1", "1");
                tx.del("before");
                tx.exec();
                master.select(3);
                master.append("ttl", "y");
                master.select(0);
                assertThat(master.waitReplicas(1, 5000)).isEqualTo(1);

                assertThat(r.get("counter")).isEqualTo("42");
                assertThat(r.get("s")).isEqualTo("from-script");
                assertThat(r.exists("before")).isFalse();
                assertThat(r.ttl("list")).isBetween(490L, 500L);
                assertThat(r.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"))
                        .isEqualTo(master.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
                Map<String, String> mi = info(master);
                assertThat(mi.get("connected_slaves")).isEqualTo("1");
                assertThat(mi.get("slave0")).startsWith("ip=127.0.0.1,port=" + replica.port() + ",state=online,");
                assertThat(info(r).get("master_replid")).isEqualTo(mi.get("master_replid"));

                // drop the link: the replica comes back with PSYNC and continues from the backlog
                String list = master.clientList();
                String id = list.lines().filter(l -> l.contains("flags=S")).findFirst().orElseThrow().split(" ")[0].substring(3);
                master.clientKill(new redis.clients.jedis.params.ClientKillParams().id(id));
                master.set("after", "drop");
                waitFor(() -> "drop".equals(r.get("after")), "the write after the drop");
                assertThat(replica.log()).contains("Successful partial resynchronization with master.");
                assertThat(master.waitReplicas(1, 5000)).isEqualTo(1);
                assertThat(r.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"))
                        .isEqualTo(master.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
            }
        }
    }
}
