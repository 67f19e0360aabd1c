package io.cachelab.engine.sentinel;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engine Sentinels failing over engine servers, all in this JVM: discovery, subjective and
 * objective down, one leader per epoch, the best replica promoted, the others and the old master
 * repointed, and the state each Sentinel saved to its config file.
 */
class SentinelFailoverTest {

    static void waitFor(BooleanSupplier condition, long ms, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    static Map<String, String> master(Jedis s) {
        List<Object> flat = (List<Object>) s.sendCommand(() -> "SENTINEL".getBytes(), "MASTER", "mym");
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) m.put(new String((byte[]) flat.get(i)), new String((byte[]) flat.get(i + 1)));
        return m;
    }

    static int masterPort(TestSentinel s) {
        try (Jedis j = s.jedis()) {
            return j.sentinelGetMasterAddrByName("mym").get(1).equals("") ? -1
                    : Integer.parseInt(j.sentinelGetMasterAddrByName("mym").get(1));
        }
    }

    static void discovered(List<TestSentinel> sentinels, int replicas) throws InterruptedException {
        for (TestSentinel s : sentinels) {
            waitFor(() -> {
                try (Jedis j = s.jedis()) {
                    Map<String, String> m = master(j);
                    return m.get("num-other-sentinels").equals(Integer.toString(sentinels.size() - 1))
                            && m.get("num-slaves").equals(Integer.toString(replicas));
                }
            }, 15_000, "discovery by the sentinel on " + s.port());
        }
    }

    /** Makes each of {@code replicas} a replica of {@code master} and waits for its link. */
    static void replicate(TestEngine master, TestEngine... replicas) throws InterruptedException {
        for (TestEngine r : replicas) {
            try (Jedis j = r.jedis()) {
                j.replicaof("127.0.0.1", master.port());
                linkUp(j);
            }
        }
    }

    static void linkUp(Jedis replica) throws InterruptedException {
        waitFor(() -> replica.info("replication").contains("master_link_status:up"), 10_000, "the replica's link");
    }

    @Test
    void theLowestPriorityReplicaIsPromotedByOneLeaderAndEverySentinelFollows() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r1 = TestEngine.start("replica-priority", "50");
             TestEngine r2 = TestEngine.start("replica-priority", "10"); Jedis j1 = r1.jedis(); Jedis j2 = r2.jedis()) {
            j1.replicaof("127.0.0.1", m.port());
            j2.replicaof("127.0.0.1", m.port());
            linkUp(j1);
            linkUp(j2);
            try (Jedis jm = m.jedis()) {
                for (int i = 0; i < 100; i++) jm.set("k" + i, "v" + i);
                assertThat(jm.waitReplicas(2, 5000)).isEqualTo(2);
            }
            List<TestSentinel> sentinels = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) sentinels.add(TestSentinel.monitoring(m.port(), 2));
                discovered(sentinels, 2);
                int oldPort = m.port();
                m.close();
                for (TestSentinel s : sentinels) waitFor(() -> masterPort(s) == r2.port(), 20_000, "the switch on " + s.port());

                // the promotion ends with CLIENT KILL TYPE normal: clients reconnect and ask again
                try (Jedis promoted = r2.jedis(); Jedis other = r1.jedis()) {
                    assertThat(promoted.info("replication")).contains("role:master");
                    assertThat(promoted.get("k99")).isEqualTo("v99");
                    waitFor(() -> other.info("replication").contains("master_port:" + r2.port()), 10_000, "r1 repointed");
                }
                int leaders = 0;
                for (TestSentinel s : sentinels) {
                    leaders += s.events("+elected-leader").size();
                    assertThat(s.events("+sdown")).contains("+sdown master mym 127.0.0.1 " + oldPort);
                    // the leader answers the new address from the promotion on, and switches once the replicas follow
                    waitFor(() -> !s.events("+switch-master").isEmpty(), 15_000, "+switch-master on " + s.port());
                    assertThat(s.events("+switch-master"))
                            .containsExactly("+switch-master mym 127.0.0.1 " + oldPort + " 127.0.0.1 " + r2.port());
                    waitFor(() -> s.configText().contains("sentinel monitor mym 127.0.0.1 " + r2.port() + " 2"), 5000, "saved");
                    assertThat(s.configText()).contains("sentinel config-epoch mym 1", "sentinel known-replica mym 127.0.0.1 " + oldPort,
                            "sentinel known-replica mym 127.0.0.1 " + r1.port());
                }
                assertThat(leaders).isEqualTo(1);
                TestSentinel leader = sentinels.stream().filter(s -> !s.events("+elected-leader").isEmpty()).findFirst().orElseThrow();
                assertThat(leader.events("+selected-slave")).containsExactly(
                        "+selected-slave slave 127.0.0.1:" + r2.port() + " 127.0.0.1 " + r2.port() + " @ mym 127.0.0.1 " + oldPort);
                assertThat(leader.events("+promoted-slave")).hasSize(1);
            } finally {
                sentinels.forEach(TestSentinel::close);
            }
        }
    }

    @Test
    void aRestartedSentinelKeepsItsIdTheReplicasAndTheSentinelsItLearnt() throws Exception {
        try (TestEngine m = TestEngine.start(); TestEngine r = TestEngine.start(); Jedis jr = r.jedis()) {
            jr.replicaof("127.0.0.1", m.port());
            linkUp(jr);
            TestSentinel a = TestSentinel.monitoring(m.port(), 2);
            TestSentinel b = TestSentinel.monitoring(m.port(), 2);
            String id;
            try {
                discovered(List.of(a, b), 1);
                try (Jedis j = a.jedis()) {
                    id = j.sendCommand(() -> "SENTINEL".getBytes(), "MYID") instanceof byte[] bytes ? new String(bytes) : null;
                }
            } finally {
                a.close();
            }
            try (TestSentinel again = TestSentinel.start(a.file()); Jedis j = again.jedis()) {
                Map<String, String> state = master(j);
                assertThat(state.get("num-slaves")).isEqualTo("1");
                assertThat(state.get("num-other-sentinels")).isEqualTo("1");
                assertThat(new String((byte[]) j.sendCommand(() -> "SENTINEL".getBytes(), "MYID"))).isEqualTo(id);
            } finally {
                b.close();
            }
        }
    }
}
